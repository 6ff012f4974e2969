package dev.tuneline.events.serde;

import dev.tuneline.events.ModelReady;

/** Kafka deserializer for {@link ModelReady}. */
public class ModelReadyDeserializer extends EventDeserializer<ModelReady> {
    /** Used by Kafka through reflection. */
    public ModelReadyDeserializer() {
        super(ModelReady.class, ModelReady.VERSION);
    }
}
