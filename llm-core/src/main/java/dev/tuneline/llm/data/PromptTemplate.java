package dev.tuneline.llm.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named prompt format: renders a row's prompt alone (for generation) and prompt + response + EOS (for
 * training). The split between the two is the template's structure, never a search in the text or in token ids.
 *
 * <p>Built-in templates ({@link #byName(String)}):
 * <ul>
 *   <li>{@code alpaca} — the reference lab's format: {@code ### Instruction:\n{instruction}\n\n}, then
 *       {@code ### Input:\n{input}\n\n} only when the input is non-empty, then {@code ### Response:\n}; the
 *       response is {@code {output}}. With empty input the training text is exactly
 *       {@code ### Instruction:\n{instruction}\n\n### Response:\n{output}</s>} (OPT's EOS).</li>
 *   <li>{@code question-answer} — TRL's CodeAlpaca example {@code ### Question: {instruction}\n ### Answer: {output}};
 *       a non-empty input goes on its own line after the instruction (TRL's example drops it). The prompt ends at
 *       {@code ### Answer:} and the response is {@code " " + output}, so the space joins the first answer token
 *       as in TRL's {@code " ### Answer:"} response template.</li>
 *   <li>{@code human-assistant} — Anthropic HH style {@code \n\nHuman: {prompt}\n\nAssistant: {response}} (prompt
 *       ends at {@code Assistant:}, response is {@code " " + response}); a non-empty input follows the prompt on
 *       its own line. A prompt that already contains the turns is rejected (use {@code raw}).</li>
 *   <li>{@code raw} — the prompt verbatim (plus {@code "\n" + input} when non-empty) and the response verbatim,
 *       for data already in its final form such as hh-rlhf pairs ({@code prompt} ends with {@code Assistant:},
 *       answers start with a space).</li>
 * </ul>
 *
 * <p>Custom templates ({@link #custom(String)}) use the placeholders {@code {instruction}} (alias
 * {@code {prompt}}), {@code {input}} and {@code {output}} (alias {@code {response}}); the response placeholder must
 * come last, preceded by a literal marker such as {@code ### Response:\n}. A single trailing space of the marker
 * moves into the response, as in the built-ins. Placeholder values are inserted verbatim: braces inside data are
 * never interpreted.
 */
public final class PromptTemplate {

    /** Names of the built-in templates, in documentation order. */
    public static final List<String> NAMES = List.of("alpaca", "question-answer", "human-assistant", "raw");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_]+)}");

    private enum Field { INSTRUCTION, INPUT, OUTPUT }

    private record Segment(String literal, Field field) {
    }

    private final String name;
    private final String description;
    private final List<Segment> promptWithInput;
    private final List<Segment> promptWithoutInput;
    private final String responsePrefix;
    private final boolean rejectsRenderedTurns;

    private PromptTemplate(String name, String description, String promptWithInput, String promptWithoutInput,
                           String responsePrefix, boolean rejectsRenderedTurns) {
        this.name = name;
        this.description = description;
        this.promptWithInput = parse(promptWithInput);
        this.promptWithoutInput = parse(promptWithoutInput);
        this.responsePrefix = responsePrefix;
        this.rejectsRenderedTurns = rejectsRenderedTurns;
    }

    /** The reference lab's Alpaca format (input section only when the input is non-empty). */
    public static PromptTemplate alpaca() {
        return new PromptTemplate("alpaca",
                "### Instruction:\\n{instruction}\\n\\n[### Input:\\n{input}\\n\\n]### Response:\\n{output}",
                "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n",
                "### Instruction:\n{instruction}\n\n### Response:\n", "", false);
    }

    /** TRL's CodeAlpaca example format. */
    public static PromptTemplate questionAnswer() {
        return new PromptTemplate("question-answer",
                "### Question: {instruction}[\\n{input}]\\n ### Answer: {output}",
                "### Question: {instruction}\n{input}\n ### Answer:",
                "### Question: {instruction}\n ### Answer:", " ", false);
    }

    /** Anthropic HH format, as used by the reference reward-model lab. */
    public static PromptTemplate humanAssistant() {
        return new PromptTemplate("human-assistant",
                "\\n\\nHuman: {prompt}[\\n{input}]\\n\\nAssistant: {response}",
                "\n\nHuman: {instruction}\n{input}\n\nAssistant:",
                "\n\nHuman: {instruction}\n\nAssistant:", " ", true);
    }

    /** Prompt and response verbatim, for pre-rendered data (hh-rlhf pairs). */
    public static PromptTemplate raw() {
        return new PromptTemplate("raw", "{prompt}[\\n{input}]{response}",
                "{instruction}\n{input}", "{instruction}", "", false);
    }

    /**
     * A user-supplied template, e.g. {@code "<|user|>\n{instruction}\n<|assistant|>\n{output}"}.
     *
     * @throws IllegalArgumentException naming the problem: unknown placeholder, missing {@code {instruction}} or
     *         {@code {output}}, text after {@code {output}}, or no literal marker right before {@code {output}}
     */
    public static PromptTemplate custom(String template) {
        Objects.requireNonNull(template, "template");
        Matcher m = PLACEHOLDER.matcher(template);
        int responseAt = -1;
        int responseEnd = -1;
        int lastPromptPlaceholderEnd = -1;
        boolean hasInstruction = false;
        while (m.find()) {
            String key = m.group(1);
            switch (key) {
                case "instruction", "prompt" -> {
                    hasInstruction = true;
                    lastPromptPlaceholderEnd = m.end();
                }
                case "input" -> lastPromptPlaceholderEnd = m.end();
                case "output", "response" -> {
                    if (responseAt >= 0) {
                        throw invalid(template, "it has more than one {output}/{response} placeholder");
                    }
                    responseAt = m.start();
                    responseEnd = m.end();
                }
                default -> throw invalid(template, "unknown placeholder {" + key
                        + "}; use {instruction} (or {prompt}), {input}, {output} (or {response})");
            }
            if (responseAt >= 0 && m.start() > responseAt) {
                throw invalid(template, "placeholder {" + key + "} comes after the response placeholder");
            }
        }
        if (!hasInstruction) {
            throw invalid(template, "it has no {instruction} (or {prompt}) placeholder");
        }
        if (responseAt < 0) {
            throw invalid(template, "it has no {output} (or {response}) placeholder");
        }
        if (responseEnd != template.length()) {
            throw invalid(template, "text after the response placeholder ('" + escape(template.substring(responseEnd))
                    + "'); the EOS token is appended automatically");
        }
        String marker = template.substring(lastPromptPlaceholderEnd, responseAt);
        if (marker.isBlank()) {
            throw invalid(template, "no literal marker between the prompt and the response placeholder (such as "
                    + "'\\n### Response:\\n'): the model could not tell where the answer starts");
        }
        String prompt = template.substring(0, responseAt);
        String responsePrefix = "";
        if (prompt.endsWith(" ") && !prompt.endsWith("  ")) {
            prompt = prompt.substring(0, prompt.length() - 1);
            responsePrefix = " ";
        }
        return new PromptTemplate("custom", escape(template), prompt, prompt, responsePrefix, false);
    }

    /**
     * A built-in template by name ({@link #NAMES}, case-insensitive).
     *
     * @throws IllegalArgumentException listing the known names
     */
    public static PromptTemplate byName(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "alpaca" -> alpaca();
            case "question-answer" -> questionAnswer();
            case "human-assistant" -> humanAssistant();
            case "raw" -> raw();
            default -> throw new IllegalArgumentException("unknown prompt template '" + name + "'; known: "
                    + String.join(", ", NAMES) + " (or a custom template string with {instruction} and {output})");
        };
    }

    /** The template's name ({@code custom} for user templates). */
    public String name() {
        return name;
    }

    /** The template in one line with escaped newlines; optional parts in brackets. */
    public String description() {
        return description;
    }

    /** The prompt alone, for generation: everything the model reads before it answers. */
    public String renderPrompt(InstructionRow row) {
        if (rejectsRenderedTurns && (row.instruction().startsWith("\n\nHuman:")
                || row.instruction().startsWith("Human:"))) {
            throw new IllegalArgumentException("row " + row.row() + ": the prompt already contains the "
                    + "Human/Assistant turns; use the 'raw' template for pre-rendered data");
        }
        List<Segment> segments = row.input().isEmpty() ? promptWithoutInput : promptWithInput;
        StringBuilder sb = new StringBuilder(row.instruction().length() + row.input().length() + 64);
        for (Segment s : segments) {
            sb.append(s.field() == null ? s.literal()
                    : s.field() == Field.INSTRUCTION ? row.instruction() : row.input());
        }
        return sb.toString();
    }

    /** The response text that follows the prompt (no EOS). */
    public String renderResponse(InstructionRow row) {
        return responsePrefix + row.output();
    }

    /** Prompt + response + {@code eosToken}: the training text. */
    public String renderFull(InstructionRow row, String eosToken) {
        return renderPrompt(row) + renderResponse(row) + eosToken;
    }

    @Override
    public String toString() {
        return "PromptTemplate[" + name + ": " + description + "]";
    }

    private static List<Segment> parse(String text) {
        List<Segment> segments = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) {
                segments.add(new Segment(text.substring(at, m.start()), null));
            }
            segments.add(new Segment(null, switch (m.group(1)) {
                case "instruction", "prompt" -> Field.INSTRUCTION;
                case "input" -> Field.INPUT;
                default -> throw new IllegalStateException("response placeholder inside a prompt: " + text);
            }));
            at = m.end();
        }
        if (at < text.length()) {
            segments.add(new Segment(text.substring(at), null));
        }
        return List.copyOf(segments);
    }

    private static IllegalArgumentException invalid(String template, String why) {
        return new IllegalArgumentException("invalid prompt template '" + escape(template) + "': " + why);
    }

    private static String escape(String s) {
        return s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    }
}
