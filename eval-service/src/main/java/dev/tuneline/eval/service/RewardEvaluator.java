package dev.tuneline.eval.service;

import dev.tuneline.eval.repository.EvalExample;
import dev.tuneline.events.EvalSet;
import dev.tuneline.llm.metrics.WinRate;
import dev.tuneline.llm.score.RewardScorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reward-model evaluation: held-out accuracy (chosen strictly above rejected; ties counted apart) with a 95 %
 * Wilson interval and the mean margin, scored by the same function training and the gateway use.
 */
public final class RewardEvaluator {
    private RewardEvaluator() {
    }

    /** Evaluates the trained reward model and, when present, its untrained base. */
    public static EvalResult evaluate(UUID jobId, EvalSet.Payload set, Path modelDir, Path baseDir) throws IOException {
        List<EvalSet.Pair> pairs = set.pairs();
        if (pairs == null || pairs.isEmpty()) {
            throw new IllegalArgumentException("the held-out split has no preference pairs");
        }
        List<String> prompts = pairs.stream().map(EvalSet.Pair::prompt).toList();
        Map<String, Double> metrics = new LinkedHashMap<>();
        List<EvalExample> records = new ArrayList<>();
        String summary = "";
        for (String which : List.of("base", "tuned")) {
            if (Thread.currentThread().isInterrupted()) {    // the job was cancelled
                throw new CancellationException("evaluation cancelled");
            }
            Path dir = "base".equals(which) ? baseDir : modelDir;
            if (dir == null || !Files.exists(dir.resolve("config.json"))) {
                continue;
            }
            try (RewardScorer scorer = RewardScorer.load(dir, set.template())) {
                float[] chosen = scorer.score(prompts, pairs.stream().map(EvalSet.Pair::chosen).toList());
                float[] rejected = scorer.score(prompts, pairs.stream().map(EvalSet.Pair::rejected).toList());
                WinRate.PairAccuracy acc = WinRate.accuracy(chosen, rejected);
                String suffix = "tuned".equals(which) ? "" : "_base";
                metrics.put("accuracy" + suffix, acc.accuracy());
                metrics.put("ties" + suffix, (double) acc.ties());
                metrics.put("mean_margin" + suffix, acc.meanMargin());
                if ("tuned".equals(which)) {
                    metrics.put("accuracy_ci_low", acc.accuracyCi().lower());
                    metrics.put("accuracy_ci_high", acc.accuracyCi().upper());
                    metrics.put("pairs", (double) acc.n());
                    summary = String.format(Locale.ROOT, "held-out accuracy %.3f (95%% Wilson %.3f-%.3f) on %d pairs, %d ties, mean margin %.4f",
                            acc.accuracy(), acc.accuracyCi().lower(), acc.accuracyCi().upper(), acc.n(), acc.ties(), acc.meanMargin());
                    for (int i = 0; i < pairs.size(); i++) {
                        records.add(example(jobId, "chosen", pairs.get(i), pairs.get(i).chosen(), chosen[i]));
                        records.add(example(jobId, "rejected", pairs.get(i), pairs.get(i).rejected(), rejected[i]));
                    }
                }
            }
        }
        return new EvalResult(metrics, summary, records);
    }

    private static EvalExample example(UUID jobId, String side, EvalSet.Pair p, String response, float reward) {
        EvalExample e = new EvalExample();
        e.jobId = jobId;
        e.model = side;
        e.row = p.row();
        e.prompt = p.prompt();
        e.output = response;
        e.score = (double) reward;
        return e;
    }
}
