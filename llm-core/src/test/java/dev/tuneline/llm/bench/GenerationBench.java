package dev.tuneline.llm.bench;

import ai.djl.ndarray.NDManager;
import dev.tuneline.llm.generate.GenerationConfig;
import dev.tuneline.llm.generate.Generator;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Generation throughput with and without KV cache on a fixed model, as a ratio measured in the same
 * run, and resident memory after 100 and after 1,000 generation requests.
 *
 * <p>Model: OPT-style, vocab 50,272, hidden 256, 4 layers, 4 heads, ffn 1,024 (random weights).
 * Greedy, prompt 32 tokens, 64 new tokens, no EOS. Run with
 * {@code scripts/bench.sh llm-core dev.tuneline.llm.bench.GenerationBench [requests]}.
 */
public final class GenerationBench {

    private GenerationBench() {}

    /** Runs the benchmark and prints the tables. */
    public static void main(String[] args) throws IOException {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        LmConfig config = LmConfig.builder(LmConfig.Architecture.OPT)
                .setVocabSize(50272).setHiddenSize(256).setNumLayers(4).setNumHeads(4)
                .setFfnDim(1024).setMaxPositions(512).optBosTokenId(2).optEosTokenId(2).optPadTokenId(1)
                .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = Checkpoints.create(config, manager, 1);
            Generator g = new Generator(model, manager);
            System.out.println("model: " + config + ", " + String.format(Locale.ROOT, "%.1fM", model.parameterCount() / 1e6) + " parameters");
            System.out.println();
            System.out.println("| batch | prompt | new tokens | KV cache tok/s | no cache tok/s | cache / no cache |");
            System.out.println("|---|---|---|---|---|---|");
            for (int batch : new int[] {1, 4}) {
                List<int[]> prompts = prompts(batch, 32);
                GenerationConfig.Builder b = GenerationConfig.builder().optMaxNewTokens(64).optEosTokenId(-1);
                g.generate(prompts, b.optUseCache(true).build()); // warm-up
                g.generate(prompts, b.optUseCache(false).build());
                double cached = median(3, () -> g.generate(prompts, b.optUseCache(true).build()), batch * 64);
                double full = median(3, () -> g.generate(prompts, b.optUseCache(false).build()), batch * 64);
                System.out.printf(Locale.ROOT, "| %d | 32 | 64 | %.1f | %.1f | %.2fx |%n", batch, cached, full, cached / full);
            }

            System.out.println();
            System.out.println("| requests done | RSS (MiB) | heap used (MiB) |");
            System.out.println("|---|---|---|");
            GenerationConfig small = GenerationConfig.builder().optMaxNewTokens(8).optEosTokenId(-1)
                    .optReturnLogprobs(true).build();
            long rss100 = 0;
            long start = System.nanoTime();
            for (int r = 1; r <= requests; r++) {
                g.generate(prompts(1 + r % 3, 8 + r % 9), small);
                if (r == 10 || r == 100 || r == requests || r % 250 == 0) {
                    System.gc();
                    long rss = rssKiB();
                    if (r == 100) {
                        rss100 = rss;
                    }
                    Runtime rt = Runtime.getRuntime();
                    System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f |%n", r, rss / 1024.0,
                            (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
                }
            }
            long rssEnd = rssKiB();
            System.out.println();
            System.out.printf(Locale.ROOT, "RSS after %d requests / after 100: %.3f (%+.1f MiB); %.1f requests/s%n",
                    requests, rssEnd / (double) rss100, (rssEnd - rss100) / 1024.0,
                    requests / ((System.nanoTime() - start) / 1e9));
        }
    }

    private static List<int[]> prompts(int batch, int length) {
        List<int[]> out = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            int[] p = new int[length - b % 2 * 3]; // mixed lengths: left padding in play
            for (int i = 0; i < p.length; i++) {
                p[i] = 3 + (i * 7919 + b * 104729) % 50000;
            }
            out.add(p);
        }
        return out;
    }

    private static double median(int runs, Runnable r, int tokens) {
        double[] rates = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r.run();
            rates[i] = tokens / ((System.nanoTime() - t0) / 1e9);
        }
        Arrays.sort(rates);
        return rates[runs / 2];
    }

    private static long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
