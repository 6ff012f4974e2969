package dev.tuneline.gateway.inference;

/** What a model does: generate text (causal LM) or score a response (reward model). */
public enum ModelKind {
    /** A causal language model: generate, completions, chat. */
    CAUSAL_LM("causal-lm"),
    /** A scalar reward model: score, compare. */
    REWARD("reward");

    private final String wire;

    ModelKind(String wire) {
        this.wire = wire;
    }

    /** Name used in the API. */
    public String wire() {
        return wire;
    }

    /** Parses the API name. */
    public static ModelKind fromWire(String s) {
        for (ModelKind k : values()) {
            if (k.wire.equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("kind must be causal-lm or reward, got '" + s + "'");
    }
}
