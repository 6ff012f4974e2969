package dev.tuneline.events.serde;

import dev.tuneline.events.EvalSet;

/** Kafka deserializer for {@link EvalSet}. */
public class EvalSetDeserializer extends EventDeserializer<EvalSet> {
    /** Used by Kafka through reflection. */
    public EvalSetDeserializer() {
        super(EvalSet.class, EvalSet.VERSION);
    }
}
