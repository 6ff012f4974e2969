package dev.tuneline.events.serde;

import dev.tuneline.events.Json;
import dev.tuneline.events.TunelineEvent;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/** Base Kafka deserializer for one event type; rejects unknown schema versions. */
public abstract class EventDeserializer<T extends TunelineEvent> implements Deserializer<T> {
    private final Class<T> type;
    private final int maxVersion;

    /** A deserializer for {@code type} accepting schema versions up to {@code maxVersion}. */
    protected EventDeserializer(Class<T> type, int maxVersion) {
        this.type = type;
        this.maxVersion = maxVersion;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        T event;
        try {
            event = Json.MAPPER.readValue(data, type);
        } catch (Exception e) {
            throw new SerializationException("not a valid " + type.getSimpleName() + " on " + topic + ": " + e.getMessage(), e);
        }
        if (event.schemaVersion() < 1 || event.schemaVersion() > maxVersion) {
            throw new SerializationException(type.getSimpleName() + " schemaVersion " + event.schemaVersion()
                    + " not supported (max " + maxVersion + ")");
        }
        return event;
    }
}
