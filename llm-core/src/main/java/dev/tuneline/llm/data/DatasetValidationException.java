package dev.tuneline.llm.data;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A dataset file that cannot be used, with the first problems found (row, field, message). Loaders throw it instead
 * of returning part of a file.
 */
public final class DatasetValidationException extends RuntimeException {

    /**
     * One problem in a file.
     *
     * @param row 0-based row index, or -1 when the problem concerns the whole file
     * @param field the field at fault, or {@code null} when the problem concerns the whole row or file
     * @param message what is wrong, including the line number for JSONL and syntax errors
     */
    public record Problem(int row, String field, String message) {

        @Override
        public String toString() {
            return (row >= 0 ? "row " + row : "file") + (field != null ? ", field '" + field + "'" : "") + ": "
                    + message;
        }
    }

    private final transient List<Problem> problems;
    private final int totalProblems;

    /** A validation failure listing {@code problems} (the first ones) out of {@code totalProblems}. */
    public DatasetValidationException(String source, List<Problem> problems, int totalProblems) {
        super(summary(source, problems, totalProblems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a validation failure needs at least one problem");
        }
        this.problems = List.copyOf(problems);
        this.totalProblems = totalProblems;
    }

    /** The first problems found, in file order. */
    public List<Problem> problems() {
        return problems;
    }

    /** How many problems the file has in all (at least {@code problems().size()}). */
    public int totalProblems() {
        return totalProblems;
    }

    private static String summary(String source, List<Problem> problems, int total) {
        String listed = problems.stream().map(Problem::toString).collect(Collectors.joining("; "));
        return source + " is not a valid dataset (" + total + " problem" + (total == 1 ? "" : "s")
                + (total > problems.size() ? ", first " + problems.size() + " shown" : "") + "): " + listed;
    }
}
