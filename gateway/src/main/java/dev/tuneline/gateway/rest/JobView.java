package dev.tuneline.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneline.events.Json;
import dev.tuneline.gateway.repository.Job;
import java.time.Instant;
import java.util.UUID;

/** A job as the API shows it. */
public record JobView(UUID id, String type, String dataset, String baseModel, String state, String reason, int step,
        int totalSteps, Double lastLoss, JsonNode losses, JsonNode metrics, String modelDir, JsonNode config,
        Instant createdAt, Instant updatedAt) {

    /** Maps an entity to its view. */
    public static JobView of(Job j) {
        return new JobView(j.id, j.type, j.dataset, j.baseModel, j.state.name(), j.reason, j.step, j.totalSteps,
                j.lastLoss, tree(j.losses), tree(j.metrics), j.modelDir, tree(j.config), j.createdAt, j.updatedAt);
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json == null ? "null" : json);
        } catch (Exception e) {
            throw new IllegalStateException("stored JSON is corrupt", e);
        }
    }
}
