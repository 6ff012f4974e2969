package dev.tuneline.llm.train;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import dev.tuneline.llm.lora.LoraConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * JSON form of {@link LoraConfig} inside a training config, with PEFT's key names: {@code r}, {@code lora_alpha},
 * {@code lora_dropout}, {@code target_modules} (aliases alpha, dropout, targetModules). Defaults as
 * {@link LoraConfig#defaults()} for missing keys; unknown keys are errors.
 */
final class LoraJson {
    private static final Set<String> KNOWN = Set.of("r", "lora_alpha", "alpha", "lora_dropout", "dropout",
            "target_modules", "targetModules");

    private LoraJson() {}

    /** Reads the {@code lora} object. */
    static final class Deserializer extends JsonDeserializer<LoraConfig> {
        @Override
        public LoraConfig deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonNode n = p.readValueAsTree();
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!KNOWN.contains(k)) {
                    throw JsonMappingException.from(p, "lora: unknown field '" + k
                            + "' (expected r, lora_alpha, lora_dropout, target_modules)");
                }
            }
            LoraConfig d = LoraConfig.defaults();
            JsonNode alpha = n.has("lora_alpha") ? n.get("lora_alpha") : n.get("alpha");
            JsonNode dropout = n.has("lora_dropout") ? n.get("lora_dropout") : n.get("dropout");
            JsonNode targets = n.has("target_modules") ? n.get("target_modules") : n.get("targetModules");
            List<String> modules = new ArrayList<>();
            if (targets == null) {
                modules.addAll(d.targetModules());
            } else if (targets.isTextual()) {
                modules.add(targets.asText());
            } else {
                targets.forEach(t -> modules.add(t.asText()));
            }
            try {
                return new LoraConfig(n.has("r") ? n.get("r").asInt() : d.r(),
                        alpha == null ? d.alpha() : (float) alpha.asDouble(),
                        dropout == null ? d.dropout() : (float) dropout.asDouble(), modules);
            } catch (IllegalArgumentException e) {
                throw JsonMappingException.from(p, "lora: " + e.getMessage(), e);
            }
        }
    }

    /** Writes the {@code lora} object with PEFT names. */
    static final class Serializer extends JsonSerializer<LoraConfig> {
        @Override
        public void serialize(LoraConfig c, JsonGenerator g, SerializerProvider s) throws IOException {
            g.writeStartObject();
            g.writeNumberField("r", c.r());
            g.writeNumberField("lora_alpha", c.alpha());
            g.writeNumberField("lora_dropout", c.dropout());
            g.writeArrayFieldStart("target_modules");
            for (String t : c.targetModules()) {
                g.writeString(t);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }
}
