package io.tally.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
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
    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

    private EventCodec() {
    }

    public static byte[] encode(Event e) {
        // written by hand: the JSON object fields are copied as bytes (a plain array copy for ASCII text)
        // instead of going through a generator char by char, which was the collector's largest cost
        byte[] properties = e.properties().getBytes(StandardCharsets.UTF_8);
        byte[] traits = e.traits().getBytes(StandardCharsets.UTF_8);
        byte[] context = e.context().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + properties.length + traits.length + context.length
                + 2 * (e.distinctId().length() + e.event().length() + (e.userAgent() == null ? 0 : e.userAgent().length())));
        out.write('{');
        string(out, "project", e.project(), false);
        string(out, "messageId", e.messageId(), true);
        string(out, "type", e.type().wireName(), true);
        string(out, "event", e.event(), true);
        string(out, "distinctId", e.distinctId(), true);
        string(out, "userId", e.userId(), true);
        string(out, "anonymousId", e.anonymousId(), true);
        number(out, "timestamp", e.timestamp());
        number(out, "receivedAt", e.receivedAt());
        number(out, "sentAt", e.sentAt());
        number(out, "originalTimestamp", e.originalTimestamp());
        string(out, "name", e.name(), true);
        string(out, "groupId", e.groupId(), true);
        string(out, "previousId", e.previousId(), true);
        raw(out, "properties", properties);
        raw(out, "traits", traits);
        raw(out, "context", context);
        string(out, "ip", e.ip(), true);
        string(out, "userAgent", e.userAgent(), true);
        out.write('}');
        return out.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, String field, String value, boolean comma) {
        if (value == null) {
            return;
        }
        if (comma) {
            out.write(',');
        }
        out.write('"');
        out.writeBytes(field.getBytes(StandardCharsets.US_ASCII));
        out.write('"');
        out.write(':');
        out.write('"');
        out.writeBytes(ESCAPER.quoteAsUTF8(value));
        out.write('"');
    }

    private static void number(ByteArrayOutputStream out, String field, Instant value) {
        if (value == null) {
            return;
        }
        out.writeBytes((",\"" + field + "\":" + micros(value)).getBytes(StandardCharsets.US_ASCII));
    }

    private static void raw(ByteArrayOutputStream out, String field, byte[] json) {
        out.writeBytes((",\"" + field + "\":").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(json);
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
