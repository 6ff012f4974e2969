package dev.tuneline.llm.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The JSON part of a checkpoint ({@code trainer_state.json}): completed steps, data cursor (epoch, next micro-batch
 * index, batches per epoch of the data it indexes), RNG state (the run seed and the engine seed the next step will set; data order depends only on seed and
 * epoch), log history and the run's config.
 */
record TrainerState(@JsonProperty("global_step") int globalStep, @JsonProperty("epoch") int epoch,
        @JsonProperty("batch_index") int batchIndex, @JsonProperty("batches_per_epoch") int batchesPerEpoch,
        @JsonProperty("seed") long seed,
        @JsonProperty("next_step_engine_seed") int nextStepEngineSeed,
        @JsonProperty("log_history") List<Map<String, Object>> logHistory,
        @JsonProperty("config") TrainingConfig config) {}
