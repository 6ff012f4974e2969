package dev.tuneline.events.serde;

import dev.tuneline.events.Json;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer writing any Tuneline event as JSON with the shared mapper. */
public class EventSerializer implements Serializer<Object> {
    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null) {
            return null;
        }
        try {
            return Json.MAPPER.writeValueAsBytes(data);
        } catch (Exception e) {
            throw new SerializationException("cannot write " + data.getClass().getSimpleName() + " to " + topic, e);
        }
    }
}
