package io.tally.collector.parse;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import java.io.IOException;

/**
 * A JSON object of a message kept as the exact text the client sent (already checked to be well-formed),
 * so that it is never built into a tree nor written again on its way to the log. For a {@code context}
 * the two values the collector needs from it are read on the same pass. Written out, it is its text.
 *
 * @param json the object's text, from '{' to '}'
 * @param ip the object's top-level {@code ip} string, or null
 * @param userAgent the object's top-level {@code userAgent} string, or null
 */
public record CapturedObject(String json, String ip, String userAgent) implements JsonSerializable {
    public CapturedObject {
        requireNonNull(json, "json is null");
    }

    @Override
    public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
        gen.writeRawValue(json);
    }

    @Override
    public void serializeWithType(JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer) throws IOException {
        serialize(gen, serializers);
    }

    @Override
    public String toString() {
        return json;
    }
}
