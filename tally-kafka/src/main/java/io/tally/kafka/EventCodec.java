package io.tally.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.event.RejectedEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

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
        // room for every field at once, so the buffer never grows mid-write
        int estimate = 512 + e.properties().length() + e.context().length() + e.traits().length()
                + e.distinctId().length() * 2 + (e.userAgent() == null ? 0 : e.userAgent().length()) + e.event().length();
        ByteArrayOutputStream out = new ByteArrayOutputStream(estimate + estimate / 4);
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

    /**
     * Reads an event written by {@link #encode(Event)}. One streaming pass: the JSON object fields are
     * sliced out as text rather than built into trees and written again.
     */
    public static Event decode(byte[] bytes) {
        Map<String, Object> f = new HashMap<>(32);
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("an event record must be a JSON object");
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (value) {
                    case START_OBJECT, START_ARRAY -> {
                        int start = (int) p.currentTokenLocation().getByteOffset();
                        p.skipChildren();
                        int end = (int) p.currentLocation().getByteOffset();
                        f.put(name, new String(bytes, start, end - start, StandardCharsets.UTF_8));
                    }
                    case VALUE_NUMBER_INT -> f.put(name, p.getLongValue());
                    case VALUE_NULL -> { }
                    default -> f.put(name, p.getText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("undecodable event record", e);
        }
        return new Event(
                (String) f.get("project"),
                (String) f.get("messageId"),
                EventType.fromWireName((String) f.get("type"))
                        .orElseThrow(() -> new IllegalArgumentException("unknown type " + f.get("type"))),
                (String) f.get("event"),
                (String) f.get("distinctId"),
                (String) f.get("userId"),
                (String) f.get("anonymousId"),
                instant(f.get("timestamp")),
                instant(f.get("receivedAt")),
                instant(f.get("sentAt")),
                instant(f.get("originalTimestamp")),
                (String) f.get("name"),
                (String) f.get("groupId"),
                (String) f.get("previousId"),
                (String) f.get("properties"),
                (String) f.get("traits"),
                (String) f.get("context"),
                (String) f.get("ip"),
                (String) f.get("userAgent"));
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

    private static Instant instant(Object micros) {
        if (micros == null) {
            return null;
        }
        long value = (Long) micros;
        return Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1_000);
    }

}
