package io.tally.store.clickhouse;

import static java.util.Objects.requireNonNull;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.Event;
import io.tally.core.spi.EventStore;
import io.tally.core.spi.LogPartition;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link EventStore} on one (non-replicated) ClickHouse server.
 *
 * <p>ClickHouse has no transactions across tables, so exactly-once rests on ordering and idempotence
 * instead of atomicity. {@link #write} does, in this order:
 * <ol>
 *   <li>look up which (project, message_id) of the batch are already in {@code message_ids}, and keep
 *       only the others (the first of repeats inside the batch);</li>
 *   <li>insert those into {@code events};</li>
 *   <li>insert the same ids into {@code message_ids};</li>
 *   <li>insert the new positions into {@code loader_positions}.</li>
 * </ol>
 * A crash before 4 leaves the old positions, so the loader re-reads the same log records. Those decode
 * to identical events, so whatever 2 already inserted comes again as rows with the same sorting key,
 * which the ReplacingMergeTree collapses and {@code FINAL} hides until it does; whatever 3 recorded is
 * skipped by step 1. Nothing is lost (positions move only after the rows are in) and nothing counts
 * twice. The order of 2 and 3 matters: ids first could mark an event as stored that never was.
 *
 * <p>A re-delivered event that differs (a client retry whose timestamp was recomputed) is a separate log
 * record; step 1 finds its id and skips it, so it cannot land in another day or month and count twice,
 * which sorting-key dedup alone could not prevent. This relies on one writer per log partition, which
 * the loader's consumer group gives.
 */
public final class ClickHouseEventStore implements EventStore {
    private static final int LOOKUP_CHUNK = 10_000;
    private final ClickHouseHttp http;
    private final Clock clock;
    private long lastPositionVersion;
    private volatile boolean closed;

    public ClickHouseEventStore(ClickHouseSettings settings, Clock clock) {
        requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.http = new ClickHouseHttp(settings);
        try {
            ClickHouseMigrations.apply(http, settings.database(), clock);
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    /** The client, shared with this store's {@link ClickHouseQueryEngine}. */
    ClickHouseHttp http() {
        return http;
    }

    @Override
    public synchronized WriteResult write(List<Event> events, Map<LogPartition, Long> nextOffsets) {
        requireNonNull(events, "events is null");
        requireNonNull(nextOffsets, "nextOffsets is null");
        ensureOpen();
        List<Event> fresh = withoutStored(withoutRepeats(events));
        if (!fresh.isEmpty()) {
            http.insertJsonEachRow("events", EventRows.events(fresh, clock.instant()));
            http.insertJsonEachRow("message_ids", EventRows.messageIds(fresh));
        }
        if (!nextOffsets.isEmpty()) {
            http.insertJsonEachRow("loader_positions", EventRows.positions(nextOffsets, nextPositionVersion(), clock.instant()));
        }
        return new WriteResult(fresh.size(), events.size() - fresh.size());
    }

    /**
     * A batch may hold a client's retry of an event next to the original; the first one wins. Ids are
     * compared in the form they are stored in (see {@link ClickHouseSql#wellFormed}).
     */
    private static List<Event> withoutRepeats(List<Event> events) {
        Set<String> seen = new HashSet<>(events.size() * 2);
        List<Event> unique = new ArrayList<>(events.size());
        for (Event e : events) {
            if (seen.add(ClickHouseSql.wellFormed(e.project()) + '\u0000' + storedId(e))) {
                unique.add(e);
            }
        }
        return unique;
    }

    /**
     * One lookup per project and chunk of ids, each a primary-key read of message_ids. Chunked because an
     * IN list is one AST node per value and 18.16 refuses ASTs above 50,000 nodes (Code 168, measured
     * with a 60,000-event batch); a chunk also stays near 18.16's 256 KiB default max_query_size.
     */
    private List<Event> withoutStored(List<Event> events) {
        Map<String, Set<String>> idsByProject = new LinkedHashMap<>();
        for (Event e : events) {
            idsByProject.computeIfAbsent(e.project(), p -> new TreeSet<>()).add(storedId(e));
        }
        Map<String, Set<String>> stored = new HashMap<>();
        for (Map.Entry<String, Set<String>> project : idsByProject.entrySet()) {
            Set<String> found = new HashSet<>();
            List<String> ids = new ArrayList<>(project.getValue());
            for (int from = 0; from < ids.size(); from += LOOKUP_CHUNK) {
                List<List<String>> rows = http.select("SELECT message_id FROM message_ids WHERE project = "
                        + ClickHouseSql.literal(project.getKey()) + " AND message_id IN "
                        + ClickHouseSql.literalList(ids.subList(from, Math.min(ids.size(), from + LOOKUP_CHUNK)))
                        + " GROUP BY message_id");
                rows.forEach(r -> found.add(r.get(0)));
            }
            stored.put(project.getKey(), found);
        }
        List<Event> fresh = new ArrayList<>(events.size());
        for (Event e : events) {
            if (!stored.get(e.project()).contains(storedId(e))) {
                fresh.add(e);
            }
        }
        return fresh;
    }

    private static String storedId(Event e) {
        return ClickHouseSql.wellFormed(e.messageId());
    }

    /**
     * Versions order the position rows of one partition. Microseconds of the clock, but never equal to or
     * below the previous one, so two writes within the clock's resolution (or a clock step back) still
     * order correctly within this process.
     */
    private long nextPositionVersion() {
        Instant now = clock.instant();
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, now);
        lastPositionVersion = Math.max(lastPositionVersion + 1, micros);
        return lastPositionVersion;
    }

    @Override
    public synchronized Map<LogPartition, Long> positions(Set<LogPartition> partitions) {
        requireNonNull(partitions, "partitions is null");
        ensureOpen();
        Map<LogPartition, Long> result = new HashMap<>();
        if (partitions.isEmpty()) {
            return result;
        }
        Set<String> topics = new TreeSet<>();
        partitions.forEach(p -> topics.add(p.topic()));
        // argMax rather than FINAL: exact whether or not the rows of a partition have merged yet
        List<List<String>> rows = http.select("SELECT topic, log_partition, argMax(next_offset, version) FROM loader_positions"
                + " WHERE topic IN " + ClickHouseSql.literalList(topics) + " GROUP BY topic, log_partition");
        for (List<String> row : rows) {
            LogPartition p = new LogPartition(row.get(0), Integer.parseInt(row.get(1)));
            if (partitions.contains(p)) {
                result.put(p, Long.parseLong(row.get(2)));
            }
        }
        return result;
    }

    @Override
    public long countEvents(String project) {
        requireNonNull(project, "project is null");
        ensureOpen();
        List<List<String>> rows = http.select("SELECT count() FROM events FINAL WHERE project = " + ClickHouseSql.literal(project));
        return Long.parseLong(rows.get(0).get(0));
    }

    @Override
    public String name() {
        return "clickhouse";
    }

    private void ensureOpen() {
        if (closed) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "the ClickHouse store is closed");
        }
    }

    /** Nothing is buffered here: every write is confirmed by the server before it returns. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        http.close();
    }
}
