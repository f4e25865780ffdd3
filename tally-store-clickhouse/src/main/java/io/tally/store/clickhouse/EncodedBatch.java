package io.tally.store.clickhouse;

import static java.util.Objects.requireNonNull;

import io.tally.core.event.Event;
import io.tally.core.spi.EventStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A batch as {@link ClickHouseEventStore#prepare} leaves it: each event's project and id in the form
 * they are stored and compared in, a client's repeat inside the batch left out (the first wins), and
 * the rows of both inserts encoded. Which of them are new is known only at write time; then the rows
 * are picked out of the encoded ones, which is a copy of bytes.
 */
final class EncodedBatch implements EventStore.PreparedBatch {
    /** An event with its project and id as stored, and its index among the encoded rows. */
    record Keyed(Event event, String project, String id, int row) {
    }

    private final List<Event> events;
    private final List<Keyed> unique;
    private final long tag;
    private final EventRows.Slices eventRows;
    private final EventRows.Slices feedRows;

    EncodedBatch(List<Event> events) {
        this.events = requireNonNull(events, "events is null");
        Set<String> seen = new HashSet<>(events.size() * 2);
        List<Event> uniqueEvents = new ArrayList<>(events.size());
        List<Keyed> keyed = new ArrayList<>(events.size());
        for (Event e : events) {
            String project = ClickHouseSql.wellFormed(e.project());
            String id = MessageIds.uuid(e.messageId());
            if (seen.add(project + '\u0000' + id)) {
                keyed.add(new Keyed(e, project, id, uniqueEvents.size()));
                uniqueEvents.add(e);
            }
        }
        this.unique = List.copyOf(keyed);
        this.tag = tagOf(keyed);
        this.eventRows = EventRows.eachEvent(uniqueEvents);
        this.feedRows = EventRows.eachFeedRow(uniqueEvents, tag);
    }

    @Override
    public List<Event> events() {
        return events;
    }

    /** The batch without repeats, in the order read. */
    List<Keyed> unique() {
        return unique;
    }

    /**
     * A 64-bit digest of the batch's (project, id) pairs, whatever their order. The same log records
     * give the same tag, on a retry and when a batch cut short is rebuilt from its offsets (decision
     * 012), so the same offsets still make the same blocks; different batches give different tags. It
     * goes into every feed row, so that each batch's rollup rows form a block of their own: replicated
     * tables drop a block they have seen, which is wrong for a different batch that happens to
     * aggregate to the same rows (one event each, by the same person, in the same hour).
     */
    long tag() {
        return tag;
    }

    private static long tagOf(List<Keyed> keyed) {
        List<String> keys = new ArrayList<>(keyed.size());
        keyed.forEach(k -> keys.add(k.project() + '\u0000' + k.id()));
        keys.sort(null);
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String key : keys) {
                digest.update(key.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) '\n');
            }
            return ByteBuffer.wrap(digest.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The events table's rows of {@code rows}, in that order. */
    byte[] eventRows(List<Keyed> rows) {
        return eventRows.pick(indexes(rows));
    }

    /** The {@code batch_feed} rows of {@code rows}, in that order. */
    byte[] feedRows(List<Keyed> rows) {
        return feedRows.pick(indexes(rows));
    }

    private static int[] indexes(List<Keyed> rows) {
        int[] indexes = new int[rows.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = rows.get(i).row();
        }
        return indexes;
    }
}
