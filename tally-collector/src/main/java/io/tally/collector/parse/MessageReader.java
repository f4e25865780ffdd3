package io.tally.collector.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Reads one message from a parser positioned on its first token. Scalar fields become a small tree;
 * the bulky object fields ({@code properties}, {@code traits}, {@code context}) are checked token by
 * token but kept as the client's own text ({@link CapturedObject} in a {@link POJONode}): building them
 * into trees and writing them back out was most of the collector's work per event.
 */
final class MessageReader {
    private static final Set<String> CAPTURED = Set.of("properties", "traits", "context");

    private final ObjectMapper mapper;

    MessageReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** @param body the bytes the parser reads, for slicing captured objects out of */
    JsonNode read(JsonParser p, byte[] body) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            // not an object: keep it as it is; validation refuses it with a clear reason
            return mapper.readTree(p);
        }
        ObjectNode message = mapper.createObjectNode();
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.START_OBJECT && CAPTURED.contains(field)) {
                message.set(field, new POJONode(capture(p, body, field.equals("context"))));
            } else {
                message.set(field, mapper.readTree(p));
            }
        }
        return message;
    }

    private static CapturedObject capture(JsonParser p, byte[] body, boolean readClientFields) throws IOException {
        int start = (int) p.currentTokenLocation().getByteOffset();
        String ip = null;
        String userAgent = null;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (readClientFields && value == JsonToken.VALUE_STRING && name.equals("ip")) {
                ip = p.getText();
            } else if (readClientFields && value == JsonToken.VALUE_STRING && name.equals("userAgent")) {
                userAgent = p.getText();
            } else {
                p.skipChildren();
            }
        }
        int end = (int) p.currentLocation().getByteOffset();
        return new CapturedObject(new String(body, start, end - start, StandardCharsets.UTF_8), ip, userAgent);
    }
}
