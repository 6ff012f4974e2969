package dev.tuneline.events.serde;

import dev.tuneline.events.EvalCompleted;

/** Kafka deserializer for {@link EvalCompleted}. */
public class EvalCompletedDeserializer extends EventDeserializer<EvalCompleted> {
    /** Used by Kafka through reflection. */
    public EvalCompletedDeserializer() {
        super(EvalCompleted.class, EvalCompleted.VERSION);
    }
}
