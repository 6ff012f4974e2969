package dev.tuneline.llm.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Learning-rate schedule shapes, named as HF's {@code lr_scheduler_type}. */
public enum SchedulerType {
    /** Linear warmup from 0, then linear decay to 0 at the last step. */
    LINEAR("linear"),
    /** Linear warmup, then half a cosine wave down to 0 at the last step. */
    COSINE("cosine"),
    /** A constant rate; like HF's {@code constant}, it ignores warmup. */
    CONSTANT("constant"),
    /** Linear warmup, then constant. */
    CONSTANT_WITH_WARMUP("constant_with_warmup");

    private final String hfName;

    SchedulerType(String hfName) {
        this.hfName = hfName;
    }

    /** The HF name, e.g. {@code cosine}. */
    @JsonValue
    public String hfName() {
        return hfName;
    }

    /** Parses an HF name (case-insensitive; {@code -} and {@code _} both accepted). */
    @JsonCreator
    public static SchedulerType parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (SchedulerType t : values()) {
            if (t.hfName.equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "lr_scheduler_type: unknown value '" + name + "' (expected linear, cosine, constant, constant_with_warmup)");
    }
}
