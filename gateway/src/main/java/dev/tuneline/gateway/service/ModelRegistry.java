package dev.tuneline.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneline.events.Json;
import dev.tuneline.gateway.inference.ModelInfo;
import dev.tuneline.gateway.inference.ModelKind;
import dev.tuneline.gateway.repository.ImportedModel;
import dev.tuneline.gateway.repository.ImportedModelRepository;
import dev.tuneline.gateway.repository.Job;
import dev.tuneline.gateway.repository.JobRepository;
import dev.tuneline.llm.data.PromptTemplate;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.registry.BaseModelRef;
import dev.tuneline.llm.registry.BaseModelResolver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The servable models: those of jobs that reached model-ready (id = job id) and HuggingFace checkpoint directories
 * imported from under the model root (id = the name given). No path ever leaves the model root.
 */
@ApplicationScoped
public class ModelRegistry {
    /** Names of imported models. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    @Inject
    JobRepository jobs;
    @Inject
    ImportedModelRepository imported;

    @ConfigProperty(name = "tuneline.model-root")
    String modelRootSetting;
    @ConfigProperty(name = "tuneline.data-root")
    String dataRootSetting;

    private final ConcurrentHashMap<String, ModelInfo> servable = new ConcurrentHashMap<>();

    /** A model as the registry knows it: the job that made it or the import record. */
    public record Entry(String id, ModelKind kind, String source, Path dir, String template, Job job,
            ImportedModel imported) {
        /** model_type from config.json, or "unknown" when unreadable. */
        public String architecture() {
            try {
                return Json.MAPPER.readTree(dir.resolve("config.json").toFile()).path("model_type").asText("unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }
    }

    /** Creates the model root when it is missing, so readiness does not wait for the first worker. */
    void onStart(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent ev) {
        try {
            Files.createDirectories(modelRoot());
        } catch (IOException e) {
            org.jboss.logging.Logger.getLogger(ModelRegistry.class).warnf("model root %s cannot be created: %s",
                    modelRoot(), e.getMessage());
        }
    }

    /** The absolute, normalised model root. */
    public Path modelRoot() {
        return Path.of(modelRootSetting).toAbsolutePath().normalize();
    }

    private BaseModelResolver resolver() {
        return new BaseModelResolver(Path.of(dataRootSetting), modelRoot());
    }

    /** Job models, then imported ones, newest first in each. */
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        for (Job j : jobs.withModels()) {
            out.add(fromJob(j));
        }
        for (ImportedModel m : imported.listNewest()) {
            out.add(fromImport(m));
        }
        return out;
    }

    /** The model with this id, or 404. */
    public Entry get(String id) {
        return find(id).orElseThrow(() -> new NotFoundException("model '" + id + "' does not exist (see GET /v1/models)"));
    }

    /** The model with this id, if any. */
    public Optional<Entry> find(String id) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        UUID jobId = parseUuid(id);
        if (jobId != null) {
            return jobs.findByIdOptional(jobId).filter(j -> j.modelDir != null).map(this::fromJob);
        }
        return imported.findByIdOptional(id).map(this::fromImport);
    }

    /** What the inference engine needs to load {@code id}; 404 when unknown. Cached once resolved. */
    public ModelInfo servable(String id) {
        ModelInfo cached = servable.get(id);
        if (cached != null) {
            return cached;
        }
        Entry e = get(id);
        if (!Files.isRegularFile(e.dir().resolve("config.json"))) {
            throw new dev.tuneline.gateway.inference.ModelUnavailableException("model '" + id + "' has no checkpoint at "
                    + relativePath(e) + " (under the model root) yet");
        }
        BaseModelRef ref = resolveUnderRoot(modelRoot().relativize(e.dir()).toString().replace('\\', '/'));
        ModelInfo info = new ModelInfo(e.id(), e.kind(), e.dir(), ref.tokenizerDir(), e.template());
        servable.put(id, info);
        return info;
    }

    /**
     * Registers the checkpoint directory {@code path} (relative to the model root) as {@code name}.
     *
     * @throws IllegalArgumentException naming the field at fault (bad name, path leaving the root, no config.json,
     *         unsupported config, unknown template)
     * @throws IllegalStateException when the name is taken
     */
    @Transactional
    public Entry importModel(String name, String path, String kind, String template, String description) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1-200 letters, digits, '.', '_' or '-', starting with a "
                    + "letter or digit");
        }
        if (parseUuid(name) != null) {
            throw new IllegalArgumentException("name must not be a UUID (those are job model ids)");
        }
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("path is required: a directory relative to the model root");
        }
        BaseModelResolver.within(modelRoot(), path);   // refuses traversal with a clear message
        BaseModelRef ref = resolveUnderRoot(path);
        if (ref.modelDir() == null || !ref.hasWeights()) {
            throw new IllegalArgumentException("path '" + path + "' has no model.safetensors (or shard index): "
                    + "import a trained checkpoint");
        }
        JsonNode config = readConfig(ref.modelDir());
        LmConfig.fromHfConfig(config, path + "/config.json");   // refuses unsupported architectures, naming the field
        String arch = config.path("architectures").path(0).asText("");
        ModelKind detected = arch.endsWith("ForSequenceClassification") ? ModelKind.REWARD : ModelKind.CAUSAL_LM;
        ModelKind k = kind == null ? detected : ModelKind.fromWire(kind);
        if (template != null) {
            PromptTemplate.byName(template);
        }
        if (imported.findByIdOptional(name).isPresent()) {
            throw new IllegalStateException("model '" + name + "' is already imported");
        }
        ImportedModel m = new ImportedModel();
        m.name = name;
        m.path = modelRoot().relativize(ref.modelDir()).toString().replace('\\', '/');
        m.kind = k.wire();
        m.architecture = config.path("model_type").asText("unknown");
        m.template = template;
        m.description = description;
        m.createdAt = Instant.now();
        imported.persist(m);
        return fromImport(m);
    }

    /** The directory a job model lies in, relative to the model root (what base-model resolution takes). */
    public String relativePath(Entry e) {
        return modelRoot().relativize(e.dir()).toString().replace('\\', '/');
    }

    private BaseModelRef resolveUnderRoot(String path) {
        BaseModelRef ref = resolver().resolve(path);
        if (ref.modelDir() == null || !ref.modelDir().toAbsolutePath().normalize().startsWith(modelRoot())) {
            throw new IllegalArgumentException("path '" + path + "' is not a checkpoint directory under the model root");
        }
        return ref;
    }

    private Entry fromJob(Job j) {
        ModelKind kind = "reward".equals(j.type) ? ModelKind.REWARD : ModelKind.CAUSAL_LM;
        JsonNode t = readTree(j.config).path("template");
        String template = t.isTextual() ? t.asText() : null;
        if (template == null && kind == ModelKind.CAUSAL_LM) {
            template = "alpaca";   // dataset-service's default for sft jobs
        }
        return new Entry(j.id.toString(), kind, "job", jobModelDir(j), template, j, null);
    }

    private Entry fromImport(ImportedModel m) {
        return new Entry(m.name, ModelKind.fromWire(m.kind), "import", BaseModelResolver.within(modelRoot(), m.path),
                m.template == null && "causal-lm".equals(m.kind) ? "alpaca" : m.template, null, m);
    }

    /**
     * Where a job's model lies: the reported directory (absolute, or relative to the model root or to the working
     * directory) when it exists inside the model root, else the canonical {@code <model root>/jobs/<id>/model}.
     */
    Path jobModelDir(Job j) {
        Path root = modelRoot();
        Path reported = Path.of(j.modelDir);
        List<Path> candidates = reported.isAbsolute()
                ? List.of(reported.normalize())
                : List.of(root.resolve(reported).normalize(), reported.toAbsolutePath().normalize());
        for (Path c : candidates) {
            if (c.startsWith(root) && Files.isRegularFile(c.resolve("config.json"))) {
                return c;
            }
        }
        return root.resolve("jobs").resolve(j.id.toString()).resolve("model");
    }

    private static JsonNode readConfig(Path dir) {
        try {
            return Json.MAPPER.readTree(dir.resolve("config.json").toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + dir.resolve("config.json") + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return Json.MAPPER.readTree(json == null ? "{}" : json);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON is corrupt", e);
        }
    }

    private static UUID parseUuid(String s) {
        if (s.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
