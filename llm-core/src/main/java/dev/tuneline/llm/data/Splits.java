package dev.tuneline.llm.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Deterministic train/eval splits and row filters.
 *
 * <p>Split algorithm (identical to HuggingFace datasets' {@code Dataset.train_test_split(test_size=f, seed=s)},
 * shuffle on): {@code nEval = ceil(f * n)}, {@code nTrain = n - nEval}; {@code p = numpy.random.default_rng(s)
 * .permutation(n)} (PCG64 seeded through SeedSequence, Fisher-Yates with masked rejection); eval rows are
 * {@code p[0:nEval]} and train rows {@code p[nEval:]}, both in permutation order. The same seed and ratio give the
 * same split on every machine, and the same rows as the reference lab's {@code train_test_split(test_size=0.2,
 * seed=42)} on the same file.
 */
public final class Splits {

    /**
     * A train/eval split.
     *
     * @param train training rows, in shuffled order
     * @param eval evaluation rows, in shuffled order
     */
    public record Split<T>(List<T> train, List<T> eval) {
    }

    /** Names accepted by {@link #filterByName(String)}. */
    public static final List<String> FILTER_NAMES = List.of("all", "empty-input", "with-input");

    private Splits() {
    }

    /**
     * Splits {@code rows} with a fraction for eval, as HF datasets does.
     *
     * @param evalFraction in (0, 1), e.g. 0.2
     * @param seed non-negative, e.g. 42
     */
    public static <T> Split<T> trainEvalSplit(List<T> rows, double evalFraction, long seed) {
        if (!(evalFraction > 0 && evalFraction < 1)) {
            throw new IllegalArgumentException("evalFraction must be in (0, 1), got " + evalFraction);
        }
        return trainEvalSplit(rows, (int) Math.ceil(evalFraction * rows.size()), seed);
    }

    /** Splits {@code rows} with an exact number of eval rows (HF's integer {@code test_size}). */
    public static <T> Split<T> trainEvalSplit(List<T> rows, int evalRows, long seed) {
        int n = rows.size();
        if (evalRows <= 0 || evalRows >= n) {
            throw new IllegalArgumentException("eval size " + evalRows + " must leave at least one row on each side"
                    + " of " + n + " rows");
        }
        int[] p = permutation(n, seed);
        List<T> eval = new ArrayList<>(evalRows);
        List<T> train = new ArrayList<>(n - evalRows);
        for (int i = 0; i < n; i++) {
            (i < evalRows ? eval : train).add(rows.get(p[i]));
        }
        return new Split<>(List.copyOf(train), List.copyOf(eval));
    }

    /** {@code numpy.random.default_rng(seed).permutation(n)}; seed must be non-negative. */
    public static int[] permutation(int n, long seed) {
        return NumpyPermutation.permutation(n, seed);
    }

    /** Rows matching {@code filter}, in order. */
    public static <T> List<T> filter(List<T> rows, Predicate<? super T> filter) {
        return rows.stream().filter(filter).toList();
    }

    /** Only rows with an empty {@code input} (the reference lab's choice). */
    public static List<InstructionRow> onlyEmptyInput(List<InstructionRow> rows) {
        return filter(rows, InstructionRow::hasEmptyInput);
    }

    /**
     * A filter by name: {@code all}, {@code empty-input}, {@code with-input}.
     *
     * @throws IllegalArgumentException listing the names
     */
    public static Predicate<InstructionRow> filterByName(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "all" -> r -> true;
            case "empty-input" -> InstructionRow::hasEmptyInput;
            case "with-input" -> r -> !r.hasEmptyInput();
            default -> throw new IllegalArgumentException("unknown row filter '" + name + "'; known: "
                    + String.join(", ", FILTER_NAMES));
        };
    }
}
