package dev.tuneline.eval.service;

import dev.tuneline.eval.repository.EvalExample;
import dev.tuneline.events.EvalSet;
import dev.tuneline.llm.metrics.SacreBleu;
import dev.tuneline.llm.metrics.WinRate;
import dev.tuneline.llm.score.RewardScorer;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Model A vs model B: both generate for the same held-out prompts, a reward model scores both completions, and
 * the win-rate of A counts ties apart, with a 95 % Wilson interval. BLEU of both against the references comes
 * along.
 */
public final class WinRateEvaluator {
    private WinRateEvaluator() {
    }

    /** Runs the comparison. */
    public static EvalResult evaluate(UUID jobId, EvalSet.Payload set, Path modelA, Path modelB, Path judge) throws IOException {
        List<EvalSet.Example> examples = set.examples();
        if (examples == null || examples.isEmpty()) {
            throw new IllegalArgumentException("the held-out split has no examples");
        }
        List<String> refs = examples.stream().map(EvalSet.Example::reference).toList();
        List<String> outA;
        List<String> outB;
        try (TextTokenizer tokA = TextTokenizer.load(modelA); TextTokenizer tokB = TextTokenizer.load(modelB)) {
            outA = SftEvaluator.generate(modelA, tokA, examples.stream().map(e -> tokA.encode(e.prompt(), true)).toList(), set);
            outB = SftEvaluator.generate(modelB, tokB, examples.stream().map(e -> tokB.encode(e.prompt(), true)).toList(), set);
        }
        float[] rA;
        float[] rB;
        try (RewardScorer scorer = RewardScorer.load(judge, "human-assistant")) {
            // a judge trained on HH-style rows ("raw") expects the Human/Assistant turns in the prompt itself
            boolean raw = "raw".equals(scorer.templateName());
            List<String> prompts = examples.stream().map(e -> instruction(e))
                    .map(i -> raw ? "\n\nHuman: " + i + "\n\nAssistant:" : i).toList();
            rA = scorer.score(prompts, raw ? outA.stream().map(o -> " " + o).toList() : outA);
            rB = scorer.score(prompts, raw ? outB.stream().map(o -> " " + o).toList() : outB);
        }
        WinRate.Result w = WinRate.fromScores(rA, rB, 0.0);
        SacreBleu bleu = SacreBleu.defaults();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("win_rate", w.winRate());
        m.put("tie_rate", w.tieRate());
        m.put("loss_rate", w.lossRate());
        m.put("win_rate_ci_low", w.winRateCi().lower());
        m.put("win_rate_ci_high", w.winRateCi().upper());
        m.put("win_rate_ties_half", w.winRateTiesHalf());
        m.put("n", (double) w.n());
        m.put("bleu_model", bleu.corpusScore(outA, List.of(refs)).score());
        m.put("bleu_compare", bleu.corpusScore(outB, List.of(refs)).score());
        List<EvalExample> records = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            records.add(example(jobId, "a", examples.get(i), outA.get(i), rA[i]));
            records.add(example(jobId, "b", examples.get(i), outB.get(i), rB[i]));
        }
        String summary = String.format(Locale.ROOT, "A vs B on %d prompts: win %.3f (95%% Wilson %.3f-%.3f), tie %.3f, loss %.3f",
                w.n(), w.winRate(), w.winRateCi().lower(), w.winRateCi().upper(), w.tieRate(), w.lossRate());
        return new EvalResult(m, summary, records);
    }

    private static String instruction(EvalSet.Example e) {
        return e.instruction() != null ? e.instruction() : e.prompt();
    }

    private static EvalExample example(UUID jobId, String model, EvalSet.Example e, String output, float reward) {
        EvalExample x = new EvalExample();
        x.jobId = jobId;
        x.model = model;
        x.row = e.row();
        x.prompt = e.prompt();
        x.output = output;
        x.reference = e.reference();
        x.score = (double) reward;
        return x;
    }
}
