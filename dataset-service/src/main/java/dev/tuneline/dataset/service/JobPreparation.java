package dev.tuneline.dataset.service;

import dev.tuneline.dataset.config.DatasetServiceConfig;
import dev.tuneline.dataset.messaging.EventPublisher;
import dev.tuneline.dataset.repository.DatasetEntity;
import dev.tuneline.dataset.repository.PreparedJob;
import dev.tuneline.events.BatchChecksum;
import dev.tuneline.events.BatchesEnd;
import dev.tuneline.events.EvalSet;
import dev.tuneline.events.JobConfig;
import dev.tuneline.events.JobFailed;
import dev.tuneline.events.JobProgress;
import dev.tuneline.events.JobRequested;
import dev.tuneline.events.Json;
import dev.tuneline.events.PreferenceBatch;
import dev.tuneline.events.SftBatch;
import dev.tuneline.events.Topics;
import dev.tuneline.events.TunelineEvent;
import dev.tuneline.llm.data.Collator;
import dev.tuneline.llm.data.DatasetLoader;
import dev.tuneline.llm.data.DatasetValidationException;
import dev.tuneline.llm.data.EncodeReport;
import dev.tuneline.llm.data.EncodedPair;
import dev.tuneline.llm.data.EncodedSft;
import dev.tuneline.llm.data.InstructionRow;
import dev.tuneline.llm.data.PairBatch;
import dev.tuneline.llm.data.PreferenceEncoder;
import dev.tuneline.llm.data.PreferenceReport;
import dev.tuneline.llm.data.PreferenceRow;
import dev.tuneline.llm.data.PromptTemplate;
import dev.tuneline.llm.data.Splits;
import dev.tuneline.llm.registry.BaseModelRef;
import dev.tuneline.llm.registry.BaseModelResolver;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Turns a job request into data: loads the registered dataset, splits it (seed, ratio), formats it with the
 * template, tokenizes and masks it, and emits ordered batches keyed by job, an end marker (count + checksum),
 * and the held-out split for eval-service. Anything that cannot be used fails the job with a reason.
 */
@ApplicationScoped
public class JobPreparation {
    private static final Logger LOG = Logger.getLogger(JobPreparation.class);
    private static final String SERVICE = "dataset-service";

    @Inject
    DatasetRegistry registry;
    @Inject
    EventPublisher publisher;
    @Inject
    DatasetServiceConfig config;
    @Inject
    dev.tuneline.dataset.repository.PreparedJobRepository preparedJobs;

    private final Map<Path, TextTokenizer> tokenizers = new ConcurrentHashMap<>();

    /** Prepares a job's data once; a re-delivered request for a handled job is ignored. */
    public void prepare(JobRequested request) {
        UUID jobId = request.jobId();
        if (alreadyHandled(jobId)) {
            LOG.infof("job %s already prepared, duplicate request ignored", jobId);
            return;
        }
        JobRequested.Payload p = request.payload();
        try {
            Prepared result = switch (p.jobType()) {
                case "sft" -> prepareSft(jobId, p);
                case "reward" -> prepareReward(jobId, p);
                case "eval" -> prepareEval(jobId, p);
                default -> throw new IllegalArgumentException("dataset-service cannot prepare a '" + p.jobType() + "' job");
            };
            record(jobId, p, "SENT", result, null);
            LOG.infof("job %s: %d batches, %d rows, %d skipped", jobId, result.batches, result.rows, result.skipped);
        } catch (DatasetValidationException e) {
            fail(jobId, p, "dataset '" + p.dataset() + "' is invalid: " + e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            fail(jobId, p, e.getMessage());
        }
    }

    /** Counts of what was sent. */
    record Prepared(int batches, int rows, int skipped, String checksum) {
    }

    private Prepared prepareSft(UUID jobId, JobRequested.Payload p) throws IOException {
        DatasetEntity ds = dataset(p, "instruction");
        JobConfig cfg = p.config() == null ? JobConfig.defaults() : p.config();
        BaseModelRef base = resolver().resolve(p.baseModel());
        TextTokenizer tok = tokenizer(base.tokenizerDir());
        List<InstructionRow> rows = new DatasetLoader().loadInstructions(Path.of(ds.path));
        rows = cap(Splits.filter(rows, Splits.filterByName(cfg.filterOr())), cfg.maxRowsOr());
        Splits.Split<InstructionRow> split = Splits.trainEvalSplit(rows, cfg.evalRatioOr(), cfg.seedOr());
        PromptTemplate template = PromptTemplate.byName(cfg.template() == null ? "alpaca" : cfg.template());
        EncodeReport report = new dev.tuneline.llm.data.SftEncoder(tok, template, cfg.maxSeqLengthOr()).encodeAll(split.train());
        if (report.encoded().isEmpty()) {
            throw new IllegalArgumentException("no trainable rows in '" + p.dataset() + "': " + report.summary());
        }
        progress(jobId, report.encoded().size(), cfg);

        Collator collator = Collator.forTokenizer(tok);
        BatchChecksum checksum = new BatchChecksum();
        List<SftBatch> out = new ArrayList<>();
        for (List<EncodedSft> chunk : chunks(report.encoded(), cfg.batchSizeOr())) {
            for (SftBatch msg : sftMessages(jobId, collator, chunk, out.size())) {
                checksum.update(msg);
                out.add(msg);
            }
        }
        publisher.sendAll(Topics.SFT_BATCHES, out);
        int seq = out.size();
        List<EvalSet.Example> examples = split.eval().stream().limit(cfg.evalSamplesOr())
                .map(r -> new EvalSet.Example(r.row(), template.renderPrompt(r), r.output(), instruction(r))).toList();
        publisher.send(Topics.EVAL_SETS, EvalSet.of(jobId, new EvalSet.Payload("sft", template.name(), examples, null,
                cfg.maxNewTokensOr(), cfg.numBeamsOr(), cfg.maxSeqLengthOr(), null, null, decoding(cfg))));
        List<String> skipped = report.skipped().stream().map(s -> "row " + s.row() + ": " + s.reason()).toList();
        String sum = checksum.hex();
        publisher.send(Topics.SFT_BATCHES, BatchesEnd.of(jobId, new BatchesEnd.Payload(seq, report.encoded().size(), sum,
                base.tokenizerDir().toString(), p.baseModel(), cfg, skipped, special(tok))));
        return new Prepared(seq, report.encoded().size(), skipped.size(), sum);
    }

    private Prepared prepareReward(UUID jobId, JobRequested.Payload p) throws IOException {
        DatasetEntity ds = dataset(p, "preference");
        JobConfig cfg = p.config() == null ? JobConfig.defaults() : p.config();
        BaseModelRef base = resolver().resolve(p.baseModel());
        TextTokenizer tok = tokenizer(base.tokenizerDir());
        List<PreferenceRow> rows = cap(new DatasetLoader().loadPreferences(Path.of(ds.path)), cfg.maxRowsOr());
        Splits.Split<PreferenceRow> split = Splits.trainEvalSplit(rows, cfg.evalRatioOr(), cfg.seedOr());
        PromptTemplate template = PromptTemplate.byName(preferenceTemplate(cfg, rows));
        PreferenceReport report = new PreferenceEncoder(tok, template, cfg.maxSeqLengthOr()).encodeAll(split.train());
        if (report.pairs().isEmpty()) {
            throw new IllegalArgumentException("no trainable pairs in '" + p.dataset() + "': " + report.summary());
        }
        progress(jobId, report.pairs().size(), cfg);

        Collator collator = Collator.forTokenizer(tok);
        BatchChecksum checksum = new BatchChecksum();
        List<PreferenceBatch> out = new ArrayList<>();
        for (List<EncodedPair> chunk : chunks(report.pairs(), cfg.batchSizeOr())) {
            PairBatch b = collator.collatePairs(chunk);
            PreferenceBatch msg = PreferenceBatch.of(jobId, new PreferenceBatch.Payload(out.size(), b.chosenIds(),
                    b.chosenMask(), b.rejectedIds(), b.rejectedMask(), b.margins()));
            checksum.update(msg);
            out.add(msg);
        }
        publisher.sendAll(Topics.REWARD_BATCHES, out);
        int seq = out.size();
        List<EvalSet.Pair> pairs = split.eval().stream().limit(cfg.evalSamplesOr())
                .map(r -> new EvalSet.Pair(r.row(), r.prompt(), r.chosen(), r.rejected())).toList();
        publisher.send(Topics.EVAL_SETS, EvalSet.of(jobId, new EvalSet.Payload("reward", template.name(), null, pairs,
                cfg.maxNewTokensOr(), cfg.numBeamsOr(), cfg.maxSeqLengthOr(), null, null, decoding(cfg))));
        List<String> dropped = report.dropped().stream().map(s -> "row " + s.row() + ": " + s.reason()).toList();
        String sum = checksum.hex();
        publisher.send(Topics.REWARD_BATCHES, BatchesEnd.of(jobId, new BatchesEnd.Payload(seq, report.pairs().size(), sum,
                base.tokenizerDir().toString(), p.baseModel(), withTemplate(cfg, template.name()), dropped, special(tok))));
        return new Prepared(seq, report.pairs().size(), dropped.size(), sum);
    }

    /**
     * An eval job needs no batches: only the held-out split and the models to evaluate. Instruction data → BLEU of
     * the model's generations, or, with {@code compareModel} and {@code judgeModel}, model A vs model B judged by a
     * reward model; preference data → the (reward) model's accuracy on the pairs.
     */
    private Prepared prepareEval(UUID jobId, JobRequested.Payload p) throws IOException {
        DatasetEntity ds = registry.find(p.dataset()).orElseThrow(() -> new IllegalArgumentException(
                "dataset '" + p.dataset() + "' is not registered"));
        JobConfig cfg = p.config() == null ? JobConfig.defaults() : p.config();
        BaseModelResolver resolver = resolver();
        Map<String, String> models = new LinkedHashMap<>();
        models.put("model", trainedModel(resolver, p.baseModel(), "baseModel"));
        EvalSet.Payload payload;
        if ("preference".equals(ds.kind)) {
            List<PreferenceRow> rows = cap(new DatasetLoader().loadPreferences(Path.of(ds.path)), cfg.maxRowsOr());
            List<PreferenceRow> eval = Splits.trainEvalSplit(rows, cfg.evalRatioOr(), cfg.seedOr()).eval();
            List<EvalSet.Pair> pairs = eval.stream().limit(cfg.evalSamplesOr())
                    .map(r -> new EvalSet.Pair(r.row(), r.prompt(), r.chosen(), r.rejected())).toList();
            payload = new EvalSet.Payload("eval", preferenceTemplate(cfg, rows), null, pairs, cfg.maxNewTokensOr(),
                    cfg.numBeamsOr(), cfg.maxSeqLengthOr(), EvalSet.REWARD_ACCURACY, models, null);
        } else {
            List<InstructionRow> rows = new DatasetLoader().loadInstructions(Path.of(ds.path));
            rows = cap(Splits.filter(rows, Splits.filterByName(cfg.filterOr())), cfg.maxRowsOr());
            PromptTemplate template = PromptTemplate.byName(cfg.template() == null ? "alpaca" : cfg.template());
            List<EvalSet.Example> examples = Splits.trainEvalSplit(rows, cfg.evalRatioOr(), cfg.seedOr()).eval().stream()
                    .limit(cfg.evalSamplesOr())
                    .map(r -> new EvalSet.Example(r.row(), template.renderPrompt(r), r.output(), instruction(r))).toList();
            String mode = EvalSet.BLEU;
            if (cfg.compareModel() != null) {
                if (cfg.judgeModel() == null) {
                    throw new IllegalArgumentException("an eval job with compareModel needs a judgeModel (a reward model)");
                }
                models.put("compare", trainedModel(resolver, cfg.compareModel(), "compareModel"));
                models.put("judge", trainedModel(resolver, cfg.judgeModel(), "judgeModel"));
                mode = EvalSet.WIN_RATE;
            }
            payload = new EvalSet.Payload("eval", template.name(), examples, null, cfg.maxNewTokensOr(), cfg.numBeamsOr(),
                    cfg.maxSeqLengthOr(), mode, models, decoding(cfg));
        }
        publisher.send(Topics.JOB_PROGRESS, JobProgress.of(jobId, new JobProgress.Payload("dataset", 0, 0, 0, Double.NaN, 0, 0, 0, 0)));
        publisher.send(Topics.EVAL_SETS, EvalSet.of(jobId, payload));
        int n = payload.examples() != null ? payload.examples().size() : payload.pairs().size();
        return new Prepared(0, n, 0, null);
    }

    /** Sampling settings for evaluation generation, or null for greedy / beam search. */
    private static EvalSet.Decoding decoding(JobConfig cfg) {
        boolean sample = cfg.temperature() != null && cfg.temperature() > 0;
        if (!sample && cfg.repetitionPenalty() == null) {
            return null;
        }
        return new EvalSet.Decoding(sample ? cfg.temperature() : 0.0,
                cfg.repetitionPenalty() == null ? 1.0 : cfg.repetitionPenalty(), cfg.seedOr());
    }

    /** The instruction a judge sees: the instruction, plus the input when there is one. */
    private static String instruction(InstructionRow r) {
        return r.input() == null || r.input().isBlank() ? r.instruction() : r.instruction() + "\n\n" + r.input();
    }

    private static String trainedModel(BaseModelResolver resolver, String name, String field) {
        if (name == null) {
            throw new IllegalArgumentException(field + " is required for an eval job");
        }
        BaseModelRef ref = resolver.resolve(name);
        if (!ref.hasWeights()) {
            throw new IllegalArgumentException(field + " '" + name + "' has no weights to evaluate");
        }
        return ref.modelDir().toString();
    }

    /**
     * HH-style rows already carry {@code \n\nHuman: … \n\nAssistant:} in the prompt and are used as they are
     * ({@code raw}); plain prompts get the {@code human-assistant} template, as in the reference lab.
     */
    static String preferenceTemplate(JobConfig cfg, List<PreferenceRow> rows) {
        if (cfg.template() != null) {
            return cfg.template();
        }
        boolean hh = !rows.isEmpty() && rows.get(0).prompt().startsWith("\n\nHuman:");
        return hh ? "raw" : "human-assistant";
    }

    private static JobConfig withTemplate(JobConfig c, String template) {
        return c.withTemplate(template);
    }

    /** Collates a chunk; halves it while its JSON would exceed the message limit. */
    private List<SftBatch> sftMessages(UUID jobId, Collator collator, List<EncodedSft> chunk, int seq) {
        var b = collator.collate(chunk);
        SftBatch msg = SftBatch.of(jobId, new SftBatch.Payload(seq, b.inputIds(), b.labels(), b.attentionMask()));
        if (chunk.size() == 1 || size(msg) <= config.maxMessageBytes()) {
            return List.of(msg);
        }
        int half = chunk.size() / 2;
        List<SftBatch> first = sftMessages(jobId, collator, chunk.subList(0, half), seq);
        List<SftBatch> out = new ArrayList<>(first);
        out.addAll(sftMessages(jobId, collator, chunk.subList(half, chunk.size()), seq + first.size()));
        return out;
    }

    private static int size(TunelineEvent e) {
        try {
            return Json.MAPPER.writeValueAsBytes(e).length;
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private DatasetEntity dataset(JobRequested.Payload p, String kind) {
        DatasetEntity ds = registry.find(p.dataset()).orElseThrow(() -> new IllegalArgumentException(
                "dataset '" + p.dataset() + "' is not registered (known: "
                        + registry.list().stream().map(d -> d.name).collect(Collectors.joining(", ")) + ")"));
        if (!kind.equals(ds.kind)) {
            throw new IllegalArgumentException("a " + p.jobType() + " job needs a " + kind + " dataset, but '"
                    + ds.name + "' holds " + ds.kind + " rows");
        }
        return ds;
    }

    private BaseModelResolver resolver() {
        return new BaseModelResolver(config.dataRoot(), config.modelRoot());
    }

    private TextTokenizer tokenizer(Path dir) {
        return tokenizers.computeIfAbsent(dir, d -> {
            try {
                return TextTokenizer.load(d).withEosPaddingIfMissing();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot load tokenizer from " + d + ": " + e.getMessage(), e);
            }
        });
    }

    private static Map<String, Integer> special(TextTokenizer tok) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("bos", tok.bosId());
        m.put("eos", tok.eosId());
        m.put("pad", tok.padId().orElse(tok.eosId()));
        m.put("vocab", tok.vocabSize());
        return m;
    }

    private void progress(UUID jobId, int rows, JobConfig cfg) {
        publisher.send(Topics.JOB_PROGRESS, JobProgress.of(jobId, new JobProgress.Payload("dataset", 0,
                cfg.maxStepsOr(), 0, Double.NaN, 0, 0, 0, 0)));
    }

    private static <T> List<T> cap(List<T> rows, int max) {
        return max > 0 && rows.size() > max ? rows.subList(0, max) : rows;
    }

    private static <T> List<List<T>> chunks(List<T> items, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            out.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return out;
    }

    private void fail(UUID jobId, JobRequested.Payload p, String reason) {
        LOG.warnf("job %s failed: %s", jobId, reason);
        publisher.send(Topics.JOB_FAILED, JobFailed.of(jobId, SERVICE, reason));
        record(jobId, p, "FAILED", new Prepared(0, 0, 0, null), reason);
    }

    private boolean alreadyHandled(UUID jobId) {
        return preparedJobs.handled(jobId);
    }

    private void record(UUID jobId, JobRequested.Payload p, String state, Prepared r, String reason) {
        PreparedJob j = new PreparedJob();
        j.jobId = jobId;
        j.jobType = p.jobType();
        j.dataset = p.dataset();
        j.state = state;
        j.batches = r.batches;
        j.rows = r.rows;
        j.skipped = r.skipped;
        j.checksum = r.checksum;
        j.reason = reason;
        j.createdAt = Instant.now();
        preparedJobs.save(j);
    }
}
