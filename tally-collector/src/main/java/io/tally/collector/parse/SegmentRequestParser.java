package io.tally.collector.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses Segment-style request bodies. A batch is read as a stream so that each message's size in
 * the body is known without serializing it again; anything that is not well-formed JSON (truncated,
 * invalid UTF-8, nested deeper than allowed, trailing garbage) fails the whole request.
 */
public final class SegmentRequestParser {
    private final ObjectMapper mapper;
    private final MessageReader reader;

    public SegmentRequestParser(int maxDepth, int maxBodyBytes) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxStringLength(maxBodyBytes)
                        .maxNumberLength(100)
                        .build())
                .build();
        this.mapper = new ObjectMapper(factory);
        this.reader = new MessageReader(mapper);
    }

    /** A body of {@code /v1/batch}: {@code {"batch": [...], "sentAt": ..., "context": ..., "writeKey": ...}}. */
    public ParsedRequest parseBatch(byte[] body) {
        try (JsonParser p = mapper.createParser(body)) {
            expectObject(p.nextToken());
            String writeKey = null;
            String sentAt = null;
            JsonNode context = null;
            List<RawMessage> messages = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "batch" -> messages = readBatch(p, value, body);
                    case "writeKey" -> writeKey = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "sentAt" -> sentAt = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "context" -> context = mapper.readTree(p);
                    default -> p.skipChildren();
                }
            }
            expectEnd(p);
            if (messages == null) {
                throw TallyException.forField(ErrorCode.INVALID_REQUEST, "batch", "the body has no 'batch' array");
            }
            return new ParsedRequest(writeKey, sentAt, context, messages);
        } catch (JsonProcessingException e) {
            throw invalidJson(e);
        } catch (IOException e) {
            throw new TallyException(ErrorCode.INVALID_JSON, "the body could not be parsed: " + e.getMessage(), e);
        }
    }

    /** A body of a single-event endpoint such as {@code /v1/track}: one message object. */
    public ParsedRequest parseSingle(byte[] body) {
        try (JsonParser p = mapper.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new TallyException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
            }
            JsonNode node = reader.read(p, body);
            if (!node.isObject()) {
                throw new TallyException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
            }
            expectEnd(p);
            JsonNode key = node.get("writeKey");
            String writeKey = key != null && key.isTextual() ? key.asText() : null;
            return new ParsedRequest(writeKey, null, null, List.of(new RawMessage(0, node, body.length)));
        } catch (JsonProcessingException e) {
            throw invalidJson(e);
        } catch (IOException e) {
            throw new TallyException(ErrorCode.INVALID_JSON, "the body could not be parsed: " + e.getMessage(), e);
        }
    }

    private List<RawMessage> readBatch(JsonParser p, JsonToken start, byte[] body) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            throw TallyException.forField(ErrorCode.INVALID_REQUEST, "batch", "'batch' must be an array of messages");
        }
        List<RawMessage> batch = new ArrayList<>();
        int index = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == null) {
                throw new TallyException(ErrorCode.INVALID_JSON, "malformed JSON: the body ends inside 'batch'");
            }
            long begin = p.currentTokenLocation().getByteOffset();
            JsonNode node = reader.read(p, body);
            long end = p.currentLocation().getByteOffset();
            batch.add(new RawMessage(index++, node, (int) Math.max(0, end - begin)));
        }
        return batch;
    }

    private static void expectObject(JsonToken token) {
        if (token != JsonToken.START_OBJECT) {
            throw new TallyException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
        }
    }

    private static void expectEnd(JsonParser p) throws IOException {
        if (p.nextToken() != null) {
            throw new TallyException(ErrorCode.INVALID_JSON, "unexpected content after the JSON object at byte "
                    + p.currentTokenLocation().getByteOffset());
        }
    }

    private static TallyException invalidJson(JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " at byte " + e.getLocation().getByteOffset();
        return new TallyException(ErrorCode.INVALID_JSON, "malformed JSON" + where + ": " + io.tally.http.JsonErrors.describe(e), e);
    }
}
