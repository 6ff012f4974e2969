package dev.tuneline.events.serde;

import dev.tuneline.events.BatchMessage;

/** Kafka deserializer for {@link BatchMessage}. */
public class BatchMessageDeserializer extends EventDeserializer<BatchMessage> {
    /** Used by Kafka through reflection. */
    public BatchMessageDeserializer() {
        super(BatchMessage.class, 1);
    }
}
