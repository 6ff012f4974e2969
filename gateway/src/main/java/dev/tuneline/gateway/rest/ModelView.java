package dev.tuneline.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneline.events.Json;
import dev.tuneline.gateway.service.ModelRegistry;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A model as the API shows it: the OpenAI model object ({@code id}, {@code object}, {@code created},
 * {@code owned_by}) plus what Tuneline knows: kind, where it came from (lineage) and its metrics.
 *
 * @param id model id: a job id, or an imported name
 * @param object always {@code model}
 * @param created creation time, epoch seconds
 * @param ownedBy always {@code tuneline}
 * @param kind causal-lm or reward
 * @param source job or import
 * @param architecture model_type of its config.json
 * @param path checkpoint directory, relative to the model root
 * @param template prompt template used for chat and scoring
 * @param state the job's state (job models)
 * @param lineage what made it
 * @param metrics training and evaluation metrics (job models)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelView(String id, String object, long created, @JsonProperty("owned_by") String ownedBy, String kind,
        String source, String architecture, String path, String template, String state, Lineage lineage,
        JsonNode metrics) {

    /**
     * Where a model came from.
     *
     * @param jobId the job that trained it
     * @param jobType sft or reward
     * @param baseModel the base it started from
     * @param dataset the dataset it was trained on
     * @param config the job's hyper-parameters
     * @param description free text given at import
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Lineage(UUID jobId, String jobType, String baseModel, String dataset, JsonNode config,
            String description) {
    }

    /** OpenAI's list wrapper: {@code {"object": "list", "data": [...]}}. */
    public record ModelList(String object, List<ModelView> data) {
    }

    /** The view of a registry entry. */
    public static ModelView of(ModelRegistry.Entry e, String relativePath) {
        Instant created = e.job() != null ? e.job().createdAt : e.imported().createdAt;
        Lineage lineage = e.job() != null
                ? new Lineage(e.job().id, e.job().type, e.job().baseModel, e.job().dataset, tree(e.job().config), null)
                : new Lineage(null, null, null, null, null, e.imported().description);
        return new ModelView(e.id(), "model", created.getEpochSecond(), "tuneline", e.kind().wire(), e.source(),
                e.job() != null ? e.architecture() : e.imported().architecture, relativePath, e.template(),
                e.job() != null ? e.job().state.name() : null, lineage, e.job() != null ? tree(e.job().metrics) : null);
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json == null ? "null" : json);
        } catch (Exception ex) {
            throw new IllegalStateException("stored JSON is corrupt", ex);
        }
    }
}
