package io.tally.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.event.RejectedEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The bytes of events in the log: one compact JSON object per record. JSON (not a binary format) so
 * that operators can read the topic with any Kafka tool and replay it into other systems.
 */
public final class EventCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private EventCodec() {
    }

    public static byte[] encode(Event e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + e.properties().length() + e.context().length());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("project", e.project());
            g.writeStringField("messageId", e.messageId());
            g.writeStringField("type", e.type().wireName());
            g.writeStringField("event", e.event());
            g.writeStringField("distinctId", e.distinctId());
            writeOptional(g, "userId", e.userId());
            writeOptional(g, "anonymousId", e.anonymousId());
            g.writeNumberField("timestamp", micros(e.timestamp()));
            g.writeNumberField("receivedAt", micros(e.receivedAt()));
            if (e.sentAt() != null) {
                g.writeNumberField("sentAt", micros(e.sentAt()));
            }
            if (e.originalTimestamp() != null) {
                g.writeNumberField("originalTimestamp", micros(e.originalTimestamp()));
            }
            writeOptional(g, "name", e.name());
            writeOptional(g, "groupId", e.groupId());
            writeOptional(g, "previousId", e.previousId());
            g.writeFieldName("properties");
            g.writeRawValue(e.properties());
            g.writeFieldName("traits");
            g.writeRawValue(e.traits());
            g.writeFieldName("context");
            g.writeRawValue(e.context());
            writeOptional(g, "ip", e.ip());
            writeOptional(g, "userAgent", e.userAgent());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    public static Event decode(byte[] bytes) {
        try {
            JsonNode n = MAPPER.readTree(bytes);
            return new Event(
                    n.get("project").asText(),
                    n.get("messageId").asText(),
                    EventType.fromWireName(n.get("type").asText())
                            .orElseThrow(() -> new IllegalArgumentException("unknown type " + n.get("type"))),
                    n.get("event").asText(),
                    n.get("distinctId").asText(),
                    text(n, "userId"),
                    text(n, "anonymousId"),
                    instant(n, "timestamp"),
                    instant(n, "receivedAt"),
                    instant(n, "sentAt"),
                    instant(n, "originalTimestamp"),
                    text(n, "name"),
                    text(n, "groupId"),
                    text(n, "previousId"),
                    n.get("properties").toString(),
                    n.get("traits").toString(),
                    n.get("context").toString(),
                    text(n, "ip"),
                    text(n, "userAgent"));
        } catch (IOException e) {
            throw new UncheckedIOException("undecodable event record", e);
        }
    }

    public static byte[] encode(RejectedEvent r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + r.payload().length());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            writeOptional(g, "project", r.project());
            g.writeStringField("receivedAt", r.receivedAt().toString());
            g.writeStringField("code", r.code().wireName());
            g.writeStringField("reason", r.reason());
            g.writeNumberField("index", r.index());
            writeOptional(g, "messageId", r.messageId());
            // the payload stays a string: it may not even be valid JSON
            g.writeStringField("payload", r.payload());
            writeOptional(g, "ip", r.ip());
            writeOptional(g, "userAgent", r.userAgent());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    private static void writeOptional(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    private static Instant instant(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        long micros = v.asLong();
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
