package dev.tuneline.llm.bench;

import dev.tuneline.llm.data.Collator;
import dev.tuneline.llm.data.DatasetLoader;
import dev.tuneline.llm.data.EncodeReport;
import dev.tuneline.llm.data.InstructionRow;
import dev.tuneline.llm.data.PromptTemplate;
import dev.tuneline.llm.data.SftEncoder;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Rows/s for format + tokenize + mask (SftEncoder, alpaca template, max_seq_length 512) on the bundled CodeAlpaca
 * file, against tokenize-only (one encode of the rendered training text) in the same run, for OPT (vocab + merges)
 * and GPT-2 (tokenizer.json). Run: {@code scripts/bench.sh llm-core dev.tuneline.llm.bench.FormatBench}.
 */
public final class FormatBench {

    private static final int WARMUP = 2;
    private static final int RUNS = 7;

    private FormatBench() {
    }

    /** Prints one table. */
    public static void main(String[] args) throws Exception {
        Path shared = Path.of(System.getProperty("tuneline.shared.dir", "../shared"), "data");
        List<InstructionRow> rows = new DatasetLoader().loadInstructions(shared.resolve("sft/code_alpaca_2k.json"));
        PromptTemplate template = PromptTemplate.alpaca();
        System.out.printf("FormatBench: %d CodeAlpaca rows, template %s, median of %d runs after %d warm-up, "
                + "%d CPU(s), load average %.1f%n", rows.size(), template.name(), RUNS, WARMUP,
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("%-22s %-34s %10s %12s %9s%n", "tokenizer", "stage", "rows/s", "tokens/s", "vs ref");
        for (String name : List.of("opt", "gpt2-hf")) {
            try (TextTokenizer tok = TextTokenizer.load(shared.resolve("tokenizers/" + name))) {
                TextTokenizer padded = tok.padId().isPresent() ? tok : tok.withPadToken(tok.eosId());
                SftEncoder encoder = new SftEncoder(padded, template, 512);
                Collator collator = Collator.forTokenizer(padded);
                double[] ref = measure(() -> {
                    long tokens = 0;
                    for (InstructionRow r : rows) {
                        tokens += tok.encode(template.renderFull(r, tok.eosToken()), true).length;
                    }
                    return tokens;
                });
                double[] full = measure(() -> encoder.encodeAll(rows).totalTokens());
                double[] batched = measure(() -> {
                    EncodeReport report = encoder.encodeAll(rows);
                    long tokens = 0;
                    for (int i = 0; i < report.encoded().size(); i += 8) {
                        var batch = collator.collate(report.encoded().subList(i,
                                Math.min(i + 8, report.encoded().size())));
                        tokens += (long) batch.batchSize() * batch.seqLength();
                    }
                    return tokens;
                });
                print(name, "tokenize only (reference)", rows.size(), ref, ref);
                print(name, "format + tokenize + mask", rows.size(), full, ref);
                print(name, "  + collate (B=8, padded tokens)", rows.size(), batched, ref);
            }
        }
    }

    /** Median seconds and the tokens counted by the last run. */
    private static double[] measure(ToLongFunctionTask task) throws Exception {
        long tokens = 0;
        for (int i = 0; i < WARMUP; i++) {
            tokens = task.run();
        }
        double[] seconds = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            tokens = task.run();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(seconds);
        return new double[] {seconds[RUNS / 2], tokens};
    }

    private static void print(String tokenizer, String stage, int rows, double[] m, double[] ref) {
        System.out.printf("%-22s %-34s %10.0f %12.0f %8.2fx%n", tokenizer, stage, rows / m[0], m[1] / m[0],
                ref[0] / m[0]);
    }

    /** A measured body returning a token count. */
    @FunctionalInterface
    private interface ToLongFunctionTask {
        long run() throws Exception;
    }
}
