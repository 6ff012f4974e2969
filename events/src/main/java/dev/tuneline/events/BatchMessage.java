package dev.tuneline.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A message on a batch topic: a batch of rows, or the end marker that closes a job's stream. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = SftBatch.class, name = "sft-batch"),
        @JsonSubTypes.Type(value = PreferenceBatch.class, name = "preference-batch"),
        @JsonSubTypes.Type(value = BatchesEnd.class, name = "end")
})
public sealed interface BatchMessage extends TunelineEvent permits SftBatch, PreferenceBatch, BatchesEnd {
}
