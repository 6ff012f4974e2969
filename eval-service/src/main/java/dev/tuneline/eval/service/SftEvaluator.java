package dev.tuneline.eval.service;

import ai.djl.ndarray.NDManager;
import dev.tuneline.eval.repository.EvalExample;
import dev.tuneline.events.EvalSet;
import dev.tuneline.llm.generate.Generation;
import dev.tuneline.llm.generate.GenerationConfig;
import dev.tuneline.llm.generate.Generator;
import dev.tuneline.llm.metrics.BleuScore;
import dev.tuneline.llm.metrics.SacreBleu;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.Map;
import java.util.UUID;

/**
 * SFT evaluation: the base and the tuned model generate for the held-out prompts (template without response),
 * and only the generated completion is scored against the reference with sacreBLEU's corpus BLEU.
 */
public final class SftEvaluator {
    private static final int GEN_BATCH = 8;

    private SftEvaluator() {
    }

    /** Evaluates the tuned model and, when present, its base. */
    public static EvalResult evaluate(UUID jobId, EvalSet.Payload set, Path modelDir, Path baseDir) throws IOException {
        List<EvalSet.Example> examples = set.examples();
        if (examples == null || examples.isEmpty()) {
            throw new IllegalArgumentException("the held-out split has no examples");
        }
        List<String> refs = examples.stream().map(EvalSet.Example::reference).toList();
        SacreBleu bleu = SacreBleu.defaults();
        Map<String, Double> metrics = new LinkedHashMap<>();
        List<EvalExample> records = new ArrayList<>();
        StringBuilder summary = new StringBuilder();
        try (TextTokenizer tok = TextTokenizer.load(modelDir)) {
            List<int[]> prompts = examples.stream().map(e -> tok.encode(e.prompt(), true)).toList();
            for (String which : List.of("base", "tuned")) {
                Path dir = "base".equals(which) ? baseDir : modelDir;
                if (dir == null || !Files.exists(dir.resolve("config.json"))) {
                    continue;
                }
                List<String> outputs = generate(dir, tok, prompts, set);
                BleuScore corpus = bleu.corpusScore(outputs, List.of(refs));
                metrics.put("bleu_" + which, corpus.score());
                summary.append(which).append(": ").append(corpus.format()).append("; ");
                for (int i = 0; i < examples.size(); i++) {
                    EvalExample e = new EvalExample();
                    e.jobId = jobId;
                    e.model = which;
                    e.row = examples.get(i).row();
                    e.prompt = examples.get(i).prompt();
                    e.output = outputs.get(i);
                    e.reference = refs.get(i);
                    e.score = bleu.sentenceScore(outputs.get(i), List.of(refs.get(i))).score();
                    records.add(e);
                }
                if ("tuned".equals(which)) {
                    summary.append(corpus.signature());
                }
            }
        }
        metrics.put("examples", (double) examples.size());
        return new EvalResult(metrics, summary.toString(), records);
    }

    /** Completions (EOS and special tokens removed) of one model for the prompts, batched with left padding. */
    static List<String> generate(Path dir, TextTokenizer tok, List<int[]> prompts, EvalSet.Payload set) {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = Checkpoints.loadCausalLm(dir, manager);
            Generator generator = new Generator(model, manager);
            int eos = tok.eosId();
            GenerationConfig.Builder cfg = GenerationConfig.builder()
                    .optMaxNewTokens(Math.max(1, set.maxNewTokens()))
                    .optNumBeams(Math.max(1, set.numBeams()))
                    .optEosTokenId(eos)
                    .optPadTokenId(tok.padId().orElse(eos));
            EvalSet.Decoding d = set.decoding();
            if (d != null) {
                cfg.optRepetitionPenalty((float) d.repetitionPenalty()).optSeed(d.seed());
                if (d.temperature() > 0) {
                    cfg.optDoSample(true).optTemperature((float) d.temperature());
                }
            }
            List<String> out = new ArrayList<>();
            for (int start = 0; start < prompts.size(); start += GEN_BATCH) {
                if (Thread.currentThread().isInterrupted()) {    // the job was cancelled
                    throw new CancellationException("evaluation cancelled after " + start + " of " + prompts.size()
                            + " prompts");
                }
                for (Generation g : generator.generate(prompts.subList(start, Math.min(prompts.size(), start + GEN_BATCH)), cfg.build())) {
                    out.add(tok.decode(g.completionTokens(eos), true).strip());
                }
            }
            return out;
        }
    }
}
