package io.tally.collector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.POJONode;
import io.tally.collector.parse.CapturedObject;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * Turns one Segment message into an {@link Event}: checks types and required fields (the first problem
 * found is reported with the field's name), resolves the distinct id, corrects the device's clock
 * skew and adds what the collector knows (receive time, IP, user agent).
 */
public final class EventNormalizer {
    private static final ObjectMapper TREES = new ObjectMapper();
    static final int MAX_ID_LENGTH = 1024;
    static final int MAX_MESSAGE_ID_LENGTH = 200;

    /**
     * @param impliedType the type of a single-event endpoint, or null when the message must say it
     * @param batchSentAt the batch's {@code sentAt}, or null
     * @param batchContext the batch's {@code context}, or null
     */
    public Event normalize(JsonNode node, EventType impliedType, RequestMeta meta, String batchSentAt, JsonNode batchContext) {
        if (node == null || !node.isObject()) {
            throw invalid("", "a message must be a JSON object");
        }
        EventType type = impliedType != null ? impliedType : type(node);
        String messageId = optionalId(node, "messageId", MAX_MESSAGE_ID_LENGTH);
        if (messageId == null) {
            // without a messageId a client's retry cannot be recognized; Segment's libraries always send one
            messageId = UUID.randomUUID().toString();
        }
        String userId = optionalId(node, "userId", MAX_ID_LENGTH);
        String anonymousId = optionalId(node, "anonymousId", MAX_ID_LENGTH);
        if (userId == null && anonymousId == null) {
            throw invalid("userId", "a message needs a userId or an anonymousId");
        }
        String eventName = switch (type) {
            case TRACK -> requiredText(node, "event", 1024);
            default -> type.syntheticEventName();
        };
        String name = optionalText(node, "name", 1024);
        String groupId = type == EventType.GROUP ? requiredId(node, "groupId") : optionalId(node, "groupId", MAX_ID_LENGTH);
        String previousId = type == EventType.ALIAS ? requiredId(node, "previousId") : optionalId(node, "previousId", MAX_ID_LENGTH);
        if (type == EventType.ALIAS && userId == null) {
            throw invalid("userId", "an alias needs the userId that previousId becomes");
        }
        String properties = object(node, "properties");
        String traits = object(node, "traits");
        JsonNode context = mergedContext(node, batchContext);

        Instant timestamp = time(node, "timestamp");
        Instant originalTimestamp = time(node, "originalTimestamp");
        Instant sentAt = time(node, "sentAt");
        if (sentAt == null && batchSentAt != null) {
            sentAt = parseTime(batchSentAt, "sentAt");
        }
        Instant eventTime = correctedTime(timestamp, originalTimestamp, sentAt, meta.receivedAt());

        String ip = contextText(context, "ip", meta.ip());
        String userAgent = contextText(context, "userAgent", meta.userAgent());
        return new Event(meta.project(), messageId, type, eventName, userId != null ? userId : anonymousId,
                userId, anonymousId, eventTime, meta.receivedAt(), sentAt, originalTimestamp, name, groupId, previousId,
                properties, traits, contextJson(context), ip, userAgent);
    }

    /**
     * DESIGN §4: an explicit timestamp is taken as sent (imports and server libraries set it); a device
     * time alone is moved by the device's clock error, measured as {@code sentAt - receivedAt}.
     */
    static Instant correctedTime(Instant timestamp, Instant originalTimestamp, Instant sentAt, Instant receivedAt) {
        if (timestamp != null) {
            return timestamp;
        }
        if (originalTimestamp != null && sentAt != null) {
            return receivedAt.minus(Duration.between(originalTimestamp, sentAt));
        }
        return originalTimestamp != null ? originalTimestamp : receivedAt;
    }

    private static EventType type(JsonNode node) {
        JsonNode t = node.get("type");
        if (t == null || !t.isTextual()) {
            throw invalid("type", "a message needs a 'type': track, identify, page, screen, group or alias");
        }
        return EventType.fromWireName(t.asText())
                .orElseThrow(() -> invalid("type", "unknown type '" + abbreviate(t.asText()) + "'"));
    }

    private static String optionalId(JsonNode node, String field, int maxLength) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        String text;
        if (v.isTextual()) {
            text = v.asText();
        } else if (v.isIntegralNumber()) {
            // Segment's libraries accept numeric ids and send them as numbers
            text = v.asText();
        } else {
            throw invalid(field, "'" + field + "' must be a string");
        }
        if (text.isEmpty()) {
            return null;
        }
        if (text.length() > maxLength) {
            throw invalid(field, "'" + field + "' is longer than " + maxLength + " characters");
        }
        return wellFormed(field, text);
    }

    private static String requiredId(JsonNode node, String field) {
        String id = optionalId(node, field, MAX_ID_LENGTH);
        if (id == null) {
            throw invalid(field, "this message type needs '" + field + "'");
        }
        return id;
    }

    private static String requiredText(JsonNode node, String field, int maxLength) {
        String text = optionalText(node, field, maxLength);
        if (text == null || text.isBlank()) {
            throw invalid(field, "a track message needs a non-empty '" + field + "'");
        }
        return text;
    }

    private static String optionalText(JsonNode node, String field, int maxLength) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(field, "'" + field + "' must be a string");
        }
        if (v.asText().length() > maxLength) {
            throw invalid(field, "'" + field + "' is longer than " + maxLength + " characters");
        }
        return wellFormed(field, v.asText());
    }

    private static String object(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return "{}";
        }
        CapturedObject captured = captured(v);
        if (captured != null) {
            return wellFormedEscapes(field, captured.json());
        }
        if (!v.isObject()) {
            throw invalid(field, "'" + field + "' must be an object");
        }
        return wellFormed(field, v.toString());
    }

    /** The client's own text of an object field, when the parser kept it as such. */
    private static CapturedObject captured(JsonNode v) {
        return v instanceof POJONode pojo && pojo.getPojo() instanceof CapturedObject c ? c : null;
    }

    /**
     * The same check as {@link #wellFormed} on JSON source text, where a lone surrogate can only be an
     * escape: {@code \\uD800}-{@code \\uDBFF} must be followed by an escaped {@code \\uDC00}-{@code \\uDFFF}.
     */
    static String wellFormedEscapes(String field, String json) {
        int i = json.indexOf("\\u");
        while (i >= 0) {
            if (isEscaped(json, i)) {
                i = json.indexOf("\\u", i + 1);
                continue;
            }
            int c = hex(json, i + 2);
            if (c >= 0xD800 && c <= 0xDBFF) {
                int low = json.startsWith("\\u", i + 6) ? hex(json, i + 8) : -1;
                if (low < 0xDC00 || low > 0xDFFF) {
                    throw unpaired(field, c);
                }
                i = json.indexOf("\\u", i + 12);
            } else if (c >= 0xDC00 && c <= 0xDFFF) {
                throw unpaired(field, c);
            } else {
                i = json.indexOf("\\u", i + 6);
            }
        }
        return json;
    }

    /** Whether the backslash at {@code i} is itself escaped (preceded by an odd number of backslashes). */
    private static boolean isEscaped(String json, int i) {
        int backslashes = 0;
        for (int j = i - 1; j >= 0 && json.charAt(j) == '\\'; j--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static int hex(String json, int from) {
        if (from + 4 > json.length()) {
            return -1;
        }
        try {
            return Integer.parseInt(json, from, from + 4, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static TallyException unpaired(String field, int c) {
        return invalid(field, "'" + field + "' contains an unpaired UTF-16 surrogate (\\u"
                + Integer.toHexString(c) + "), which is not valid Unicode");
    }

    /**
     * JSON lets a string escape half of a surrogate pair ({@code "\\ud800"}); such text is not Unicode and
     * cannot be written as UTF-8 downstream, so the message is refused here rather than failing the request.
     */
    private static String wellFormed(String field, String json) {
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid(field, "'" + field + "' contains an unpaired UTF-16 surrogate (\\u"
                        + Integer.toHexString(c) + "), which is not valid Unicode");
            }
        }
        return json;
    }

    /** The message's context, under the batch's context when there is one; null when neither has one. */
    private static JsonNode mergedContext(JsonNode node, JsonNode batchContext) {
        JsonNode own = node.get("context");
        if (own != null && !own.isNull() && !own.isObject() && captured(own) == null) {
            throw invalid("context", "'context' must be an object");
        }
        if (batchContext == null || !batchContext.isObject()) {
            return own == null || own.isNull() ? null : own;
        }
        ObjectNode merged = ((ObjectNode) batchContext).deepCopy();
        if (own != null && !own.isNull()) {
            merged.setAll((ObjectNode) tree(own));
        }
        return merged;
    }

    private static JsonNode tree(JsonNode node) {
        CapturedObject captured = captured(node);
        if (captured == null) {
            return node;
        }
        try {
            return TREES.readTree(captured.json());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a captured object is always well-formed", e);
        }
    }

    private static String contextText(JsonNode context, String field, String fallback) {
        if (context == null) {
            return fallback;
        }
        String value;
        CapturedObject captured = captured(context);
        if (captured != null) {
            value = field.equals("ip") ? captured.ip() : captured.userAgent();
        } else {
            JsonNode v = context.get(field);
            value = v != null && v.isTextual() ? v.asText() : null;
        }
        return value != null && !value.isEmpty() && value.length() <= 1024 ? value : fallback;
    }

    private static String contextJson(JsonNode context) {
        if (context == null) {
            return "{}";
        }
        CapturedObject captured = captured(context);
        return captured != null ? wellFormedEscapes("context", captured.json()) : wellFormed("context", context.toString());
    }

    private static Instant time(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(field, "'" + field + "' must be an ISO-8601 date-time string");
        }
        return parseTime(v.asText(), field);
    }

    static Instant parseTime(String text, String field) {
        Instant fast = IsoTimestamps.parse(text);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                // a date-time without offset is read as UTC, as Segment does
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw invalid(field, "'" + field + "' is not an ISO-8601 date-time: '" + abbreviate(text) + "'");
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }

    private static TallyException invalid(String field, String message) {
        return TallyException.forField(ErrorCode.INVALID_EVENT, field.isEmpty() ? null : field, message);
    }
}
