package io.tally.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.tally.core.ErrorCode;
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
    /**
     * With a buffer pool of its own rather than Jackson's default thread-local one: in a profile of the
     * loader, finding that thread-local (its map collides in the loader's thread) took 3 % of the
     * thread's time, all of it in {@link #decode}.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder().recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build();
    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

    private EventCodec() {
    }

    public static byte[] encode(Event e) {
        // written by hand: the JSON object fields are copied as bytes (a plain array copy for ASCII text)
        // instead of going through a generator char by char, which was the collector's largest cost
        byte[] properties = e.properties().getBytes(StandardCharsets.UTF_8);
        byte[] traits = e.traits().getBytes(StandardCharsets.UTF_8);
        byte[] context = e.context().getBytes(StandardCharsets.UTF_8);
        Output out = new Output(512 + properties.length + traits.length + context.length
                + 2 * (e.distinctId().length() + e.event().length() + (e.userAgent() == null ? 0 : e.userAgent().length())));
        out.write(OPEN_PROJECT);
        out.string(e.project());
        out.field(MESSAGE_ID, e.messageId());
        out.field(TYPE, e.type().wireName());
        out.field(EVENT, e.event());
        out.field(DISTINCT_ID, e.distinctId());
        out.field(USER_ID, e.userId());
        out.field(ANONYMOUS_ID, e.anonymousId());
        out.field(TIMESTAMP, e.timestamp());
        out.field(RECEIVED_AT, e.receivedAt());
        out.field(SENT_AT, e.sentAt());
        out.field(ORIGINAL_TIMESTAMP, e.originalTimestamp());
        out.field(NAME, e.name());
        out.field(GROUP_ID, e.groupId());
        out.field(PREVIOUS_ID, e.previousId());
        out.write(PROPERTIES);
        out.write(properties);
        out.write(TRAITS);
        out.write(traits);
        out.write(CONTEXT);
        out.write(context);
        out.field(IP, e.ip());
        out.field(USER_AGENT, e.userAgent());
        out.write(CLOSE);
        return out.bytes();
    }

    private static final byte[] OPEN_PROJECT = prefix("{\"project\":");
    private static final byte[] MESSAGE_ID = prefix(",\"messageId\":");
    private static final byte[] TYPE = prefix(",\"type\":");
    private static final byte[] EVENT = prefix(",\"event\":");
    private static final byte[] DISTINCT_ID = prefix(",\"distinctId\":");
    private static final byte[] USER_ID = prefix(",\"userId\":");
    private static final byte[] ANONYMOUS_ID = prefix(",\"anonymousId\":");
    private static final byte[] TIMESTAMP = prefix(",\"timestamp\":");
    private static final byte[] RECEIVED_AT = prefix(",\"receivedAt\":");
    private static final byte[] SENT_AT = prefix(",\"sentAt\":");
    private static final byte[] ORIGINAL_TIMESTAMP = prefix(",\"originalTimestamp\":");
    private static final byte[] NAME = prefix(",\"name\":");
    private static final byte[] GROUP_ID = prefix(",\"groupId\":");
    private static final byte[] PREVIOUS_ID = prefix(",\"previousId\":");
    private static final byte[] PROPERTIES = prefix(",\"properties\":");
    private static final byte[] TRAITS = prefix(",\"traits\":");
    private static final byte[] CONTEXT = prefix(",\"context\":");
    private static final byte[] IP = prefix(",\"ip\":");
    private static final byte[] USER_AGENT = prefix(",\"userAgent\":");
    private static final byte[] CLOSE = prefix("}");

    private static byte[] prefix(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** An unsynchronized growable byte buffer: one per encoded event, written by one thread. */
    private static final class Output {
        private byte[] buffer;
        private int size;

        Output(int capacity) {
            buffer = new byte[capacity];
        }

        void write(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buffer, size, bytes.length);
            size += bytes.length;
        }

        void write(int b) {
            ensure(1);
            buffer[size++] = (byte) b;
        }

        /** A JSON string value, escaped as JSON requires. */
        void string(String value) {
            write('"');
            write(ESCAPER.quoteAsUTF8(value));
            write('"');
        }

        void field(byte[] prefix, String value) {
            if (value != null) {
                write(prefix);
                string(value);
            }
        }

        void field(byte[] prefix, Instant value) {
            if (value != null) {
                write(prefix);
                number(micros(value));
            }
        }

        private void number(long value) {
            if (value < 0) {
                write('-');
                if (value == Long.MIN_VALUE) {
                    write("9223372036854775808".getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                value = -value;
            }
            int digits = 1;
            for (long v = value; v >= 10; v /= 10) {
                digits++;
            }
            ensure(digits);
            for (int i = size + digits - 1; i >= size; i--) {
                buffer[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            size += digits;
        }

        private void ensure(int more) {
            if (size + more > buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }

        byte[] bytes() {
            return size == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, size);
        }
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
            writeOptional(g, "schema", r.schema());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /** Reads a dead-letter record written by {@link #encode(RejectedEvent)}. */
    public static RejectedEvent decodeRejected(byte[] bytes) {
        Map<String, Object> f = new HashMap<>(16);
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a rejected-event record must be a JSON object");
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren();
                } else if (value == JsonToken.VALUE_NUMBER_INT) {
                    f.put(name, p.getLongValue());
                } else if (value != JsonToken.VALUE_NULL) {
                    f.put(name, p.getText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("undecodable rejected-event record", e);
        }
        String code = (String) f.get("code");
        return new RejectedEvent((String) f.get("project"), Instant.parse((String) f.get("receivedAt")),
                ErrorCode.valueOf(code.toUpperCase(java.util.Locale.ROOT)), (String) f.get("reason"),
                ((Long) f.getOrDefault("index", 0L)).intValue(), (String) f.get("messageId"), (String) f.get("payload"),
                (String) f.get("ip"), (String) f.get("userAgent"), (String) f.get("schema"));
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
