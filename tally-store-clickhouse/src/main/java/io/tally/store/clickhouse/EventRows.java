package io.tally.store.clickhouse;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.tally.core.event.Event;
import io.tally.core.event.RejectedEvent;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.LoggedRejection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Encodes rows as JSONEachRow, the insert format where Jackson does all string escaping, so no event
 * text is ever spliced into SQL. DateTime values are written as {@code YYYY-MM-DD hh:mm:ss} in UTC,
 * which the columns (declared {@code DateTime('UTC')}) read in UTC whatever the server's timezone.
 */
final class EventRows {
    /**
     * With a buffer pool of its own: the default pool is a thread-local, and looking it up for every
     * generator was a visible part of the loader's time in a profile (its thread-local map collides).
     */
    private static final JsonFactory JSON = JsonFactory.builder().recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build();
    /**
     * Room per event row to start the buffer with. The collector's ~1 KB browser events make rows of
     * about 1.5 KB; a buffer that starts too small is copied at every doubling, which was a tenth of the
     * loader's time in a profile with the earlier 512.
     */
    private static final int EVENT_ROW_BYTES_HINT = 2_048;
    /** The columns of {@link ClickHouseMigrations#HOT_CONTEXT_PATHS}, named once rather than per event. */
    private static final List<String> HOT_COLUMNS = ClickHouseMigrations.HOT_CONTEXT_PATHS.stream().map(ClickHouseMigrations::hotColumn).toList();
    /** 18.16's DateTime is seconds since 1970 in a UInt32: it cannot hold earlier or later instants. */
    static final Instant MIN_DATE_TIME = Instant.EPOCH;
    static final Instant MAX_DATE_TIME = Instant.parse("2105-12-31T23:59:59Z");

    private EventRows() {
    }

    /** Every string goes out well-formed; see {@link ClickHouseSql#wellFormed}. */
    private static void text(JsonGenerator g, String field, String value) throws IOException {
        g.writeStringField(field, value == null ? null : ClickHouseSql.wellFormed(value));
    }

    private interface RowWriter {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * Rows for the events table, in the order given (the store sorts them, so that the same events
     * always make the same block; see {@link ClickHouseEventStore}).
     */
    static byte[] events(List<Event> events) {
        return eachEvent(events).all();
    }

    /** The events table's rows of {@code events}, each a slice the store can pick out once it knows which are new. */
    static Slices eachEvent(List<Event> events) {
        KeyValues properties = new KeyValues();
        KeyValues traits = new KeyValues();
        KeyValues context = new KeyValues();
        String[] hot = new String[ClickHouseMigrations.HOT_CONTEXT_PATHS.size()];
        return slices(events.size(), events.size() * EVENT_ROW_BYTES_HINT, (g, row) -> {
            Event e = events.get(row);
            properties.readTopLevel(e.properties());
            traits.readTopLevel(e.traits());
            context.readFlattened(e.context());
            for (int i = 0; i < hot.length; i++) {
                hot[i] = context.remove(ClickHouseMigrations.HOT_CONTEXT_PATHS.get(i));
            }
            // the collector already took these into their own columns
            context.remove("userAgent");
            context.remove("ip");
            g.writeStartObject();
            text(g, "project", e.project());
            text(g, "event", e.event());
            g.writeStringField("timestamp", dateTime(e.timestamp()));
            g.writeNumberField("timestamp_us", clamp(e.timestamp()).getNano() / 1_000);
            text(g, "distinct_id", e.distinctId());
            g.writeStringField("message_id", MessageIds.uuid(e.messageId()));
            text(g, "message_key", MessageIds.keyUnlessUuid(e.messageId()));
            text(g, "type", e.type().wireName());
            text(g, "user_id", e.userId());
            text(g, "anonymous_id", e.anonymousId());
            g.writeStringField("received_at", dateTime(e.receivedAt()));
            g.writeStringField("sent_at", dateTime(e.sentAt()));
            g.writeStringField("original_timestamp", dateTime(e.originalTimestamp()));
            text(g, "name", e.name());
            text(g, "group_id", e.groupId());
            text(g, "previous_id", e.previousId());
            text(g, "ip", e.ip() == null ? "" : e.ip());
            text(g, "user_agent", e.userAgent() == null ? "" : e.userAgent());
            for (int i = 0; i < hot.length; i++) {
                text(g, HOT_COLUMNS.get(i), hot[i]);
            }
            properties.write(g, "properties");
            traits.write(g, "traits");
            context.write(g, "context");
            g.writeEndObject();
        });
    }

    /**
     * Each id with what the rollups need of its event, without a batch tag: the rows of
     * {@code message_ids} (schema 4) and {@code stored_ids_feed} (5 and 6), for tests that build an
     * older database.
     */
    static byte[] storedIds(List<Event> events) {
        return feedRows(events, null).all();
    }

    /**
     * Rows for {@code batch_feed} (schema version 7): each id with what the rollups need of its event,
     * and the batch's content tag, which the rollup views carry into their rows (see
     * {@link EncodedBatch#tag}). As slices, like {@link #eachEvent}.
     */
    static Slices eachFeedRow(List<Event> events, long batchTag) {
        return feedRows(events, Long.toUnsignedString(batchTag));
    }

    private static Slices feedRows(List<Event> events, String tag) {
        return slices(events.size(), events.size() * 120, (g, row) -> {
            Event e = events.get(row);
            g.writeStartObject();
            text(g, "project", e.project());
            g.writeStringField("message_id", MessageIds.uuid(e.messageId()));
            text(g, "event", e.event());
            text(g, "distinct_id", e.distinctId());
            g.writeStringField("timestamp", dateTime(e.timestamp()));
            if (tag != null) {
                g.writeStringField("batch", tag);
            }
            g.writeEndObject();
        });
    }

    /** The end of a batch in each of its partitions, under the batch's version. */
    static byte[] batchPlan(long batch, Map<LogPartition, Long> nextOffsets, Instant now) {
        return encode(nextOffsets.size() * 96, g -> {
            for (Map.Entry<LogPartition, Long> p : nextOffsets.entrySet()) {
                g.writeStartObject();
                g.writeStringField("batch", Long.toUnsignedString(batch));
                g.writeStringField("topic", p.getKey().topic());
                g.writeNumberField("log_partition", p.getKey().partition());
                g.writeNumberField("next_offset", p.getValue());
                g.writeStringField("written_at", dateTime(now));
                g.writeEndObject();
            }
        });
    }

    /** One row per rollup key (project, event, UTC hour) of a batch, with {@code done} 0 or 1. */
    static byte[] rollupIntents(long batch, boolean done, Collection<RollupKey> keys, Instant now) {
        return encode(keys.size() * 96, g -> {
            for (RollupKey key : keys) {
                g.writeStartObject();
                g.writeStringField("batch", Long.toUnsignedString(batch));
                g.writeNumberField("done", done ? 1 : 0);
                text(g, "project", key.project());
                text(g, "event", key.event());
                g.writeStringField("hour", dateTime(key.hour()));
                g.writeStringField("written_at", dateTime(now));
                g.writeEndObject();
            }
        });
    }

    static byte[] positions(Map<LogPartition, Long> nextOffsets, long version, Instant now) {
        return encode(nextOffsets.size() * 96, g -> {
            for (Map.Entry<LogPartition, Long> p : nextOffsets.entrySet()) {
                g.writeStartObject();
                text(g, "topic", p.getKey().topic());
                g.writeNumberField("log_partition", p.getKey().partition());
                g.writeNumberField("next_offset", p.getValue());
                // a string, because ClickHouse reads JSON numbers beyond 2^53 imprecisely in some versions
                g.writeStringField("version", Long.toUnsignedString(version));
                g.writeStringField("updated_at", dateTime(now));
                g.writeEndObject();
            }
        });
    }

    static byte[] rejected(List<LoggedRejection> rejected) {
        return encode(rejected.size() * 512, g -> {
            for (LoggedRejection logged : rejected) {
                RejectedEvent r = logged.rejected();
                g.writeStartObject();
                text(g, "topic", logged.partition().topic());
                g.writeNumberField("log_partition", logged.partition().partition());
                g.writeNumberField("log_offset", logged.offset());
                // the columns are not Nullable (they are in the sorting key or rarely missing): '' stands for none
                g.writeStringField("project", r.project() == null ? "" : r.project());
                g.writeStringField("received_at", dateTime(r.receivedAt()));
                g.writeStringField("code", r.code().wireName());
                g.writeStringField("reason", r.reason());
                g.writeStringField("schema", r.schema() == null ? "" : r.schema());
                g.writeStringField("message_id", r.messageId() == null ? "" : r.messageId());
                g.writeStringField("payload", r.payload());
                g.writeStringField("ip", r.ip() == null ? "" : r.ip());
                g.writeStringField("user_agent", r.userAgent() == null ? "" : r.userAgent());
                g.writeEndObject();
            }
        });
    }

    static byte[] document(String project, String name, String body, long version, Instant now) {
        return encode(256 + body.length(), g -> {
            g.writeStartObject();
            g.writeStringField("project", project);
            g.writeStringField("name", name);
            g.writeStringField("body", body);
            g.writeStringField("version", Long.toUnsignedString(version));
            g.writeStringField("saved_at", dateTime(now));
            g.writeEndObject();
        });
    }

    private interface SliceWriter {
        void write(JsonGenerator g, int row) throws IOException;
    }

    /**
     * JSONEachRow rows encoded one after another into one buffer, each ending with a newline, so that
     * any of them can be sent in any order by copying bytes, without encoding again.
     */
    static final class Slices {
        private final byte[] bytes;
        private final int[] ends;

        private Slices(byte[] bytes, int[] ends) {
            this.bytes = bytes;
            this.ends = ends;
        }

        byte[] all() {
            return bytes;
        }

        /** The rows at {@code rows} (indexes in the encoded order), in that order. */
        byte[] pick(int[] rows) {
            int size = 0;
            for (int row : rows) {
                size += ends[row] - start(row);
            }
            byte[] out = new byte[size];
            int at = 0;
            for (int row : rows) {
                int length = ends[row] - start(row);
                System.arraycopy(bytes, start(row), out, at, length);
                at += length;
            }
            return out;
        }

        private int start(int row) {
            return row == 0 ? 0 : ends[row - 1];
        }
    }

    private static Slices slices(int rows, int sizeHint, SliceWriter writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(256, sizeHint));
        int[] ends = new int[rows];
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            // each row ends with its own newline, so that a slice is a complete row
            g.setRootValueSeparator(null);
            for (int row = 0; row < rows; row++) {
                writer.write(g, row);
                g.writeRaw('\n');
                g.flush();
                ends[row] = out.size();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode rows for ClickHouse", e);
        }
        return new Slices(out.toByteArray(), ends);
    }

    /** JSONEachRow separates rows by whitespace; Jackson's root value separator is a space, a newline reads better. */
    private static byte[] encode(int sizeHint, RowWriter rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(256, sizeHint));
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
            rows.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode rows for ClickHouse", e);
        }
        return out.toByteArray();
    }

    /**
     * {@code YYYY-MM-DD hh:mm:ss} in UTC; {@code null} for {@code null}: JSONEachRow reads a JSON null into
     * a Nullable column as NULL. Written digit by digit: the loader formats four of these per event, and
     * {@code DateTimeFormatter} (which builds zone rules for every call) was a tenth of its time in a
     * profile of the loading benchmark.
     */
    static String dateTime(Instant instant) {
        if (instant == null) {
            return null;
        }
        long seconds = clamp(instant).getEpochSecond();
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        char[] text = new char[19];
        digits(text, 0, date.getYear(), 4);
        text[4] = '-';
        digits(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        digits(text, 8, date.getDayOfMonth(), 2);
        text[10] = ' ';
        digits(text, 11, secondOfDay / 3600, 2);
        text[13] = ':';
        digits(text, 14, secondOfDay / 60 % 60, 2);
        text[16] = ':';
        digits(text, 17, secondOfDay % 60, 2);
        return new String(text);
    }

    /** {@code value} as exactly {@code width} decimal digits from {@code at}, leading zeros included. */
    private static void digits(char[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * Instants outside 1970..2105 cannot be stored in 18.16's DateTime; they are pinned to the nearest
     * end instead of failing the whole batch forever (the collector does not bound years today).
     */
    static Instant clamp(Instant instant) {
        if (instant.isBefore(MIN_DATE_TIME)) {
            return MIN_DATE_TIME;
        }
        return instant.isAfter(MAX_DATE_TIME) ? MAX_DATE_TIME : instant;
    }
}
