package dev.tuneline.llm.bench;

import ai.djl.ndarray.NDManager;
import dev.tuneline.llm.data.Collator;
import dev.tuneline.llm.data.DatasetLoader;
import dev.tuneline.llm.data.EncodedSft;
import dev.tuneline.llm.data.InstructionRow;
import dev.tuneline.llm.data.PromptTemplate;
import dev.tuneline.llm.data.SftEncoder;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import dev.tuneline.llm.train.BatchSource;
import dev.tuneline.llm.train.SchedulerType;
import dev.tuneline.llm.train.SftTrainer;
import dev.tuneline.llm.train.TokenBatch;
import dev.tuneline.llm.train.TrainingConfig;
import dev.tuneline.llm.train.TrainingListener;
import dev.tuneline.llm.train.TrainingProgress;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * SFT step throughput with the LM head only at scored positions ({@link SftTrainer}'s default) against logits at every
 * position ({@link SftTrainer#withFullLogits()}, what HF computes), on real CodeAlpaca batches (alpaca template,
 * completion-only labels, right padding), the two alternating per round on the same model and batches. Also prints
 * the share of positions that are scored and the logit floats each path materialises per step.
 * Args: {@code --rounds N --steps N --warmup N}.
 */
public final class LossHeadBench {

    private LossHeadBench() {
    }

    /** Runs the table. */
    public static void main(String[] args) throws Exception {
        int rounds = 3;
        int steps = 6;
        int warmup = 2;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path shared = Path.of(System.getProperty("tuneline.shared.dir", "../shared"), "data");
        List<InstructionRow> rows = new DatasetLoader().loadInstructions(shared.resolve("sft/code_alpaca_2k.json"));
        System.out.printf(Locale.ROOT, "LossHeadBench: CodeAlpaca, alpaca template, batch 8, max_seq_length 256, "
                + "median step of %d after %d warm-up, best of %d rounds, %d CPU(s), load average %.1f%n", steps, warmup,
                rounds, Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "%-26s %7s %12s %12s %10s %10s %7s%n", "model", "scored", "logits full",
                "logits sel.", "full tok/s", "sel. tok/s", "ratio");
        try (TextTokenizer raw = TextTokenizer.load(shared.resolve("tokenizers/gpt2-hf"))) {
            TextTokenizer tok = raw.withEosPaddingIfMissing();
            List<EncodedSft> encoded = new SftEncoder(tok, PromptTemplate.alpaca(), 256).encodeAll(rows).encoded();
            Collator collator = Collator.forTokenizer(tok);
            List<TokenBatch> batches = new ArrayList<>();
            for (int i = 0; i + 8 <= encoded.size() && batches.size() < warmup + steps; i += 8) {
                var b = collator.collate(encoded.subList(i, i + 8));
                batches.add(new TokenBatch(b.inputIds(), b.labels(), b.attentionMask()));
            }
            long positions = 0;
            long scored = 0;
            for (TokenBatch b : batches) {
                positions += (long) b.inputIds().length * b.seqLength();
                scored += b.targetTokens();
            }
            int vocab = tok.vocabSize();
            for (LmConfig config : List.of(
                    LmConfig.builder(LmConfig.Architecture.GPT2).setVocabSize(vocab).setHiddenSize(64).setNumLayers(2)
                            .setNumHeads(2).setFfnDim(256).setMaxPositions(512).build(),
                    LmConfig.builder(LmConfig.Architecture.GPT2).setVocabSize(vocab).setHiddenSize(256).setNumLayers(4)
                            .setNumHeads(4).setFfnDim(1024).setMaxPositions(512).build())) {
                double bestFull = 0;
                double bestSel = 0;
                for (int r = 0; r < rounds; r++) {
                    bestFull = Math.max(bestFull, run(config, batches, warmup, steps, true));
                    bestSel = Math.max(bestSel, run(config, batches, warmup, steps, false));
                }
                System.out.printf(Locale.ROOT, "%-26s %6.1f%% %12s %12s %10.0f %10.0f %6.2fx%n",
                        "gpt2 d" + config.hiddenSize() + " L" + config.numLayers() + " V" + vocab,
                        100.0 * scored / positions, mega(positions * vocab / batches.size()),
                        mega(scored * vocab / batches.size()), bestFull, bestSel, bestSel / bestFull);
            }
        }
    }

    private static String mega(long floats) {
        return String.format(Locale.ROOT, "%.1f M", floats / 1e6);
    }

    /** Median-step attended tokens/s of one fresh model trained on {@code batches} in order. */
    private static double run(LmConfig config, List<TokenBatch> batches, int warmup, int steps, boolean full) {
        TrainingConfig training = TrainingConfig.builder().optMaxSteps(warmup + steps).optPerDeviceBatchSize(8)
                .optLearningRate(1e-4).optSchedulerType(SchedulerType.CONSTANT).optMaxGradNorm(1.0)
                .optLoggingSteps(1000).optSaveSteps(0).optMaxSeqLength(256).build();
        double[] tps = new double[steps];
        try (NDManager base = NDManager.newBaseManager()) {
            CausalLm model = Checkpoints.create(config, base, 0);
            try (SftTrainer trainer = SftTrainer.of(model, training)) {
                if (full) {
                    trainer.withFullLogits();
                }
                trainer.train(BatchSource.of(batches), null, new TrainingListener() {
                    @Override
                    public void onStep(TrainingProgress p) {
                        if (p.step() > warmup) {
                            tps[p.step() - warmup - 1] = p.tokensPerSecond();
                        }
                    }
                });
            }
        }
        Arrays.sort(tps);
        return tps[tps.length / 2];
    }
}
