package io.tally.collector.parse;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
        return new CapturedObject(utf8(p, body, start, end), ip, userAgent);
    }

    /**
     * The captured text. Jackson checks the UTF-8 of a string it decodes, but skipped strings only
     * for their quotes and escapes, so this text is checked here. Decoding replaces every malformed
     * sequence with U+FFFD, so the strict decoder runs only on text that holds one (a client may send
     * U+FFFD itself).
     */
    private static String utf8(JsonParser p, byte[] body, int start, int end) throws IOException {
        String text = new String(body, start, end - start, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') >= 0) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body, start, end - start));
            } catch (CharacterCodingException e) {
                throw new JsonParseException(p, "Invalid UTF-8 in an object starting at byte " + start);
            }
        }
        return text;
    }
}
