package io.tally.store.clickhouse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.Event;
import io.tally.core.retention.RetentionPolicy;
import io.tally.core.spi.EventStore;
import io.tally.core.spi.LoggedRejection;
import io.tally.core.spi.RejectedEventQueries;
import io.tally.core.spi.SavedDocuments;
import io.tally.core.spi.LogPartition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventStore} on ClickHouse: one server, or a cluster of replicated shards (see {@link TableLayout}).
 *
 * <p>ClickHouse has no transactions across tables, so exactly-once rests on ordering and idempotence
 * instead of atomicity. {@link #write} does, in this order:
 * <ol>
 *   <li>look up which (project, message_id) of the batch are already in {@code stored_ids}, and keep
 *       only the others (the first of repeats inside the batch), sorted by id;</li>
 *   <li>record the batch's rollup keys in {@code rollup_intents};</li>
 *   <li>insert the rows into {@code events};</li>
 *   <li>insert their ids into {@code batch_feed}, whose materialized views store the ids and then feed
 *       the daily and hourly rollups;</li>
 *   <li>mark the intent done, and insert the new positions into {@code loader_positions}.</li>
 * </ol>
 * A crash before 5 leaves the old positions, so the loader re-reads the same log records. Those decode
 * to identical events, so whatever 3 already inserted comes again as rows with the same sorting key,
 * which the ReplacingMergeTree collapses and {@code FINAL} hides until it does; whatever 4 recorded is
 * skipped by step 1. Nothing is lost (positions move only after the rows are in) and nothing counts
 * twice. The order of 3 and 4 matters: ids first could mark an event as stored that never was.
 *
 * <p>The rollups count each id once because step 4 inserts each id once, except when the insert itself
 * was cut short: ClickHouse runs a table's views one after the other, in the order of their names
 * (tested), and the id view ({@code batch_feed_ids_mv}) comes before the rollup views
 * ({@code batch_feed_rollup_*}). So a server killed in between has stored ids whose rollup rows are
 * missing, and step 1 never sends them again: a rollup can lag its ids, never lead them. That is what
 * the intents are for: the keys of a batch whose intent was not marked done are checked against the
 * stored events whose ids are stored, and rebuilt from them where they differ ({@link #repairRollups}),
 * which no later retry can undo, since it skips those ids. The tables are described in
 * {@link ClickHouseMigrations}.
 *
 * <p>Rows go out sorted and without a load time, so a retried insert of the same batch is the same
 * block, which a replicated table drops by its block hash even before FINAL. The rollup views' blocks
 * carry the batch's tag ({@link EncodedBatch#tag}), so that two different batches never make one
 * rollup block, which a replicated rollup would drop as a repeat.
 *
 * <p>A re-delivered event that differs (a client retry whose timestamp was recomputed) is a separate log
 * record; step 1 finds its id and skips it, so it cannot land in another day or month and count twice,
 * which sorting-key dedup alone could not prevent. Step 1 looks within {@link #REPEAT_WINDOW} of each
 * event's time, so that its cost does not grow with history. This relies on one writer per log partition, which
 * the loader's consumer group gives.
 */
public final class ClickHouseEventStore implements EventStore, RejectedEventQueries, SavedDocuments {
    private static final Logger log = LoggerFactory.getLogger(ClickHouseEventStore.class);
    private static final int REPAIR_CHUNK = 1_000;
    /**
     * How old an unfinished intent must be before it is repaired. A younger one may be a batch another
     * loader is writing right now; its intent is marked done a moment later, and repairing it would
     * race with that write.
     */
    static final Duration REPAIR_AFTER = Duration.ofSeconds(60);
    /**
     * How far apart in time two copies of one event (same project and messageId) may be and still be
     * recognised as one: a client's retry carries the first attempt's time, corrected for its clock, so
     * its copies lie seconds apart, or hours when the device's clock was changed in between. Copies
     * further apart count as one only when they fall into the same month. See {@link #withoutStored}.
     */
    static final Duration REPEAT_WINDOW = Duration.ofDays(7);
    /** How often a running store looks for intents that have become old enough. */
    private static final Duration REPAIR_EVERY = Duration.ofMinutes(5);
    /** How many times a key's difference is measured, and the pause between, before it counts as damage. */
    private static final int REPAIR_MEASUREMENTS = 3;
    private static final Duration REPAIR_MEASUREMENT_PAUSE = Duration.ofMillis(700);
    private final ClickHouseHttp http;
    private final TableLayout layout;
    private final Clock clock;
    private Instant lastRepair;
    /** This store's batches whose write failed part-way, repaired at the next write; see {@link #repairWhenDue}. */
    private final Set<String> cutShort = new LinkedHashSet<>();
    private long lastVersion;
    private volatile boolean closed;

    public ClickHouseEventStore(ClickHouseSettings settings, Clock clock) {
        requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.layout = TableLayout.of(settings);
        this.http = new ClickHouseHttp(settings);
        try {
            ClickHouseMigrations.apply(http, layout, clock);
            repairRollups();
            lastRepair = clock.instant();
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    /** The client, shared with this store's {@link ClickHouseQueryEngine}. */
    ClickHouseHttp http() {
        return http;
    }

    TableLayout layout() {
        return layout;
    }

    /** Works out the batch's keys and encodes its rows, without the server: see {@link EncodedBatch}. */
    @Override
    public PreparedBatch prepare(List<Event> events) {
        requireNonNull(events, "events is null");
        return new EncodedBatch(events);
    }

    @Override
    public WriteResult write(List<Event> events, Map<LogPartition, Long> nextOffsets) {
        return write(prepare(events), nextOffsets);
    }

    @Override
    public synchronized WriteResult write(PreparedBatch batch, Map<LogPartition, Long> nextOffsets) {
        requireNonNull(batch, "batch is null");
        requireNonNull(nextOffsets, "nextOffsets is null");
        ensureOpen();
        repairWhenDue();
        EncodedBatch encoded = batch instanceof EncodedBatch e ? e : new EncodedBatch(batch.events());
        List<EncodedBatch.Keyed> fresh = withoutStored(encoded.unique());
        // sorted, so that the same events always make the same block (see the class comment)
        fresh.sort(Comparator.comparing(EncodedBatch.Keyed::project).thenComparing(EncodedBatch.Keyed::id));
        long version = nextVersion();
        if (!fresh.isEmpty()) {
            if (!nextOffsets.isEmpty()) {
                http.insertJsonEachRow("batch_plans", EventRows.batchPlan(version, nextOffsets, clock.instant()));
            }
            Set<RollupKey> keys = new LinkedHashSet<>();
            fresh.forEach(k -> keys.add(RollupKey.of(k.event())));
            try {
                http.insertJsonEachRow("rollup_intents", EventRows.rollupIntents(version, false, keys, clock.instant()));
                http.insertJsonEachRow("events", encoded.eventRows(fresh));
                http.insertJsonEachRow("batch_feed", encoded.feedRows(fresh));
                http.insertJsonEachRow("rollup_intents", EventRows.rollupIntents(version, true, List.of(keys.iterator().next()), clock.instant()));
            } catch (RuntimeException e) {
                cutShort.add(Long.toUnsignedString(version));
                throw e;
            }
        }
        if (!nextOffsets.isEmpty()) {
            http.insertJsonEachRow("loader_positions", EventRows.positions(nextOffsets, version, clock.instant()));
        }
        return new WriteResult(fresh.size(), encoded.events().size() - fresh.size());
    }

    /**
     * Repairs this store's own batches that failed part-way as soon as ClickHouse takes writes again: a
     * failure inside the feed's insert can leave ids stored whose rollup rows are missing, and the
     * loader's retry skips those ids (see the class comment). No other writer has those batches, so
     * they need not wait {@link #REPAIR_AFTER}. Other loaders' batches are looked at every
     * {@link #REPAIR_EVERY}.
     */
    private void repairWhenDue() {
        if (!cutShort.isEmpty()) {
            repair(new ArrayList<>(cutShort));
            cutShort.clear();
        }
        if (clock.instant().isAfter(lastRepair.plus(REPAIR_EVERY))) {
            lastRepair = clock.instant();
            repairRollups();
        }
    }

    /**
     * Makes the rollup rows of batches that were cut short agree with the stored events. Only intents
     * older than {@link #REPAIR_AFTER} are looked at, and a key counts as damaged only when its
     * difference is the same in {@link #REPAIR_MEASUREMENTS} measurements a moment apart: other loaders
     * keep writing the same keys (this hour's), and a batch of theirs caught between its ids and its
     * rollup rows shows a difference that is gone a moment later. Since the ids are stored before the
     * rollups are fed, a rollup can only miss events: what it misses is added ({@link #addMissing}),
     * which leaves other loaders' rows alone. A rollup counting more than is stored (left by an older
     * Tally) is deleted and rebuilt from the events instead ({@link #rebuild}), which can race with a
     * loader writing the same key. Intents whose keys did not settle stay unfinished and are looked at
     * again later.
     *
     * <p>"Stored" means: in {@code events} and with its id in {@code stored_ids}. An event whose row went
     * in but whose id did not (a crash between steps 3 and 4) is not counted: the loader sends it again,
     * and its feed insert counts it then.
     */
    void repairRollups() {
        long oldEnough = clock.instant().minus(REPAIR_AFTER).getEpochSecond();
        List<String> undone = new ArrayList<>();
        http.select("SELECT batch FROM rollup_intents GROUP BY batch HAVING max(done) = 0 AND max(written_at) <= toDateTime(" + oldEnough + ")")
                .forEach(r -> undone.add(r.get(0)));
        repair(undone);
    }

    /** Repairs the keys of {@code undone} batches that differ for good, and marks the batches whose keys settled done. */
    private void repair(List<String> undone) {
        for (int from = 0; from < undone.size(); from += REPAIR_CHUNK) {
            String batches = "(" + String.join(", ", undone.subList(from, Math.min(undone.size(), from + REPAIR_CHUNK))) + ")";
            Map<List<String>, Set<String>> batchesByKey = new LinkedHashMap<>();
            http.select("SELECT project, event, toUnixTimestamp(hour), batch FROM rollup_intents WHERE batch IN " + batches)
                    .forEach(r -> batchesByKey.computeIfAbsent(r.subList(0, 3), k -> new HashSet<>()).add(r.get(3)));
            Map<List<String>, Difference> difference = settledDifferences(new ArrayList<>(batchesByKey.keySet()));
            Map<List<String>, Difference> lagging = new LinkedHashMap<>();
            List<List<String>> overcounted = new ArrayList<>();
            Set<String> settled = new LinkedHashSet<>(undone.subList(from, Math.min(undone.size(), from + REPAIR_CHUNK)));
            batchesByKey.forEach((key, keyBatches) -> {
                Difference diff = difference.get(key);
                if (diff == null) {
                    settled.removeAll(keyBatches);
                } else if (diff.hour() < 0 || diff.day() < 0) {
                    overcounted.add(key);
                } else if (!diff.agrees()) {
                    lagging.put(key, diff);
                }
            });
            if (!lagging.isEmpty()) {
                log.warn("adding the events of {} hourly rollup keys that batches cut short left uncounted", lagging.size());
                addMissing(lagging);
            }
            if (!overcounted.isEmpty()) {
                log.warn("rebuilding {} hourly rollup keys that count more events than are stored", overcounted.size());
                rebuild(overcounted);
            }
            if (!settled.isEmpty()) {
                http.execute("INSERT INTO rollup_intents SELECT batch, 1, any(project), any(event), any(hour), now() FROM rollup_intents"
                        + " WHERE batch IN (" + String.join(", ", settled) + ") GROUP BY batch");
            }
        }
    }

    /**
     * Each key's differences between its stored events and its rollup counts, for the keys whose
     * differences were the same in every measurement; a key that moved is left out.
     */
    private Map<List<String>, Difference> settledDifferences(List<List<String>> keys) {
        Map<List<String>, Difference> settled = differences(keys);
        // all measurements, also when the first agrees: a damaged key can look whole for a moment while
        // another loader's batch is between its ids and its rollup rows
        for (int i = 1; i < REPAIR_MEASUREMENTS && !settled.isEmpty(); i++) {
            pause(REPAIR_MEASUREMENT_PAUSE);
            Map<List<String>, Difference> again = differences(new ArrayList<>(settled.keySet()));
            settled.entrySet().removeIf(e -> !e.getValue().equals(again.get(e.getKey())));
        }
        return settled;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "interrupted while repairing rollups", e);
        }
    }

    /** Stored events minus the hourly rollup's count, per (project, event, hour as epoch seconds) key. */
    private Map<List<String>, Difference> differences(List<List<String>> keys) {
        Map<List<String>, Difference> differences = new HashMap<>();
        for (int from = 0; from < keys.size(); from += REPAIR_CHUNK) {
            List<List<String>> chunk = keys.subList(from, Math.min(keys.size(), from + REPAIR_CHUNK));
            String hours = hourTuples(chunk);
            String days = dayTuples(chunk);
            String inHours = "(project, event, toUnixTimestamp(toStartOfHour(timestamp))) IN " + hours;
            String inDays = "(project, event, toUnixTimestamp(toStartOfDay(timestamp))) IN " + days;
            Map<List<String>, String> storedHours = counts("SELECT project, event, toUnixTimestamp(toStartOfHour(timestamp)) AS h, count()"
                    + " FROM events FINAL WHERE " + inHours + withStoredId(inHours) + " GROUP BY project, event, h");
            Map<List<String>, String> rolledHours = counts("SELECT project, event, toUnixTimestamp(hour) AS h, countMerge(events)"
                    + " FROM events_hourly WHERE (project, event, toUnixTimestamp(hour)) IN " + hours + " GROUP BY project, event, h");
            Map<List<String>, String> storedDays = counts("SELECT project, event, toUnixTimestamp(toStartOfDay(timestamp)) AS d, count()"
                    + " FROM events FINAL WHERE " + inDays + withStoredId(inDays) + " GROUP BY project, event, d");
            Map<List<String>, String> rolledDays = counts("SELECT project, event, toUnixTimestamp(day) AS d, countMerge(events)"
                    + " FROM events_daily WHERE (project, event, toUnixTimestamp(day)) IN " + days + " GROUP BY project, event, d");
            for (List<String> key : chunk) {
                List<String> day = List.of(key.get(0), key.get(1), String.valueOf(Math.floorDiv(Long.parseLong(key.get(2)), 86_400L) * 86_400L));
                differences.put(key, new Difference(
                        Long.parseLong(storedHours.getOrDefault(key, "0")) - Long.parseLong(rolledHours.getOrDefault(key, "0")),
                        Long.parseLong(storedDays.getOrDefault(day, "0")) - Long.parseLong(rolledDays.getOrDefault(day, "0"))));
            }
        }
        return differences;
    }

    /** Stored events minus rollup count, for a key's hour and for its day (the daily rollup can lose rows on its own). */
    private record Difference(long hour, long day) {
        boolean agrees() {
            return hour == 0 && day == 0;
        }
    }

    private Map<List<String>, String> counts(String sql) {
        Map<List<String>, String> counts = new HashMap<>();
        http.select(sql).forEach(r -> counts.put(r.subList(0, 3), r.get(3)));
        return counts;
    }

    /**
     * Adds to the rollups what they miss: per key (and per day of the keys), one row whose count is the
     * settled difference and whose people are all the people of the key's stored events. A set of
     * people merges with the rows already there without counting anyone twice, and nothing is deleted,
     * so other loaders writing the same keys meanwhile are not disturbed. The count and the people come
     * from two aggregates over different rows, joined into one row ({@code countState()} over no rows
     * is a count of zero; 18.16 has no way to make a count of k but to count k rows).
     */
    private void addMissing(Map<List<String>, Difference> lagging) {
        Map<List<String>, Long> missingDays = new LinkedHashMap<>();
        for (Map.Entry<List<String>, Difference> key : lagging.entrySet()) {
            List<String> k = key.getKey();
            if (key.getValue().hour() > 0) {
                addRow("events_hourly", "hour", "toStartOfHour", k.get(0), k.get(1), Long.parseLong(k.get(2)), key.getValue().hour());
            }
            if (key.getValue().day() > 0) {
                missingDays.put(List.of(k.get(0), k.get(1), String.valueOf(Math.floorDiv(Long.parseLong(k.get(2)), 86_400L) * 86_400L)),
                        key.getValue().day());
            }
        }
        missingDays.forEach((day, missing) -> addRow("events_daily", "day", "toStartOfDay", day.get(0), day.get(1), Long.parseLong(day.get(2)), missing));
    }

    private void addRow(String rollup, String column, String start, String project, String event, long bucket, long missing) {
        String inBucket = "(project, event, toUnixTimestamp(" + start + "(timestamp))) IN ((" + ClickHouseSql.literal(project) + ", "
                + ClickHouseSql.literal(event) + ", " + bucket + "))";
        http.execute("INSERT INTO " + rollup + " (project, event, " + column + ", events, users)"
                + " SELECT " + ClickHouseSql.literal(project) + ", " + ClickHouseSql.literal(event) + ", toDateTime(" + bucket + ", 'UTC'), c, u"
                + " FROM (SELECT countState() AS c FROM numbers(" + missing + "))"
                + " CROSS JOIN (SELECT uniqExactState(distinct_id) AS u FROM events FINAL WHERE " + inBucket + withStoredId(inBucket) + ")");
    }

    /**
     * Deletes the keys' rows from both rollups and inserts them again from the stored events. The daily
     * rollup loses whole days, so every hour of a damaged key's day is recounted there. Inserts issued
     * after a mutation are not touched by it, so there is no need to wait for it to finish.
     */
    private void rebuild(List<List<String>> keys) {
        for (int from = 0; from < keys.size(); from += REPAIR_CHUNK) {
            List<List<String>> chunk = keys.subList(from, Math.min(keys.size(), from + REPAIR_CHUNK));
            String hours = hourTuples(chunk);
            String days = dayTuples(chunk);
            http.execute("ALTER TABLE " + layout.qualified(layout.local("events_hourly")) + layout.onCluster()
                    + " DELETE WHERE (project, event, toUnixTimestamp(hour)) IN " + hours);
            http.execute("ALTER TABLE " + layout.qualified(layout.local("events_daily")) + layout.onCluster()
                    + " DELETE WHERE (project, event, toUnixTimestamp(day)) IN " + days);
            String inHours = "(project, event, toUnixTimestamp(toStartOfHour(timestamp))) IN " + hours;
            String inDays = "(project, event, toUnixTimestamp(toStartOfDay(timestamp))) IN " + days;
            http.execute("INSERT INTO events_hourly (project, event, hour, events, users) SELECT project, event, toStartOfHour(timestamp) AS hour, countState(),"
                    + " uniqExactState(distinct_id) FROM events FINAL WHERE " + inHours + withStoredId(inHours) + " GROUP BY project, event, hour");
            http.execute("INSERT INTO events_daily (project, event, day, events, users) SELECT project, event, toStartOfDay(timestamp) AS day, countState(),"
                    + " uniqExactState(distinct_id) FROM events FINAL WHERE " + inDays + withStoredId(inDays) + " GROUP BY project, event, day");
        }
    }

    /**
     * The condition that keeps the events whose id is in {@code stored_ids}, for events that match
     * {@code inKeys}. The ids are looked up for those keys' events only, so the sets stay as small as
     * the damaged hours. GLOBAL because on a cluster both tables are Distributed and an id may sit on
     * any shard (see {@link ClickHouseMigrations}); on one server it is a plain IN.
     */
    private static String withStoredId(String inKeys) {
        return " AND (project, message_id) GLOBAL IN (SELECT project, message_id FROM stored_ids"
                + " WHERE (project, message_id) GLOBAL IN (SELECT project, message_id FROM events WHERE " + inKeys + "))";
    }

    private static String hourTuples(List<List<String>> keys) {
        StringJoiner tuples = new StringJoiner(", ", "(", ")");
        for (List<String> k : keys) {
            tuples.add("(" + ClickHouseSql.literal(k.get(0)) + ", " + ClickHouseSql.literal(k.get(1)) + ", " + Long.parseLong(k.get(2)) + ")");
        }
        return tuples.toString();
    }

    private static String dayTuples(List<List<String>> keys) {
        StringJoiner tuples = new StringJoiner(", ", "(", ")");
        for (List<String> k : keys) {
            long day = Math.floorDiv(Long.parseLong(k.get(2)), 86_400L) * 86_400L;
            tuples.add("(" + ClickHouseSql.literal(k.get(0)) + ", " + ClickHouseSql.literal(k.get(1)) + ", " + day + ")");
        }
        return tuples.toString();
    }

    /**
     * One lookup per project, a read of stored_ids. The batch's ids travel as a table of their own (see
     * {@link ClickHouseHttp.ExternalTable}), not as an IN list: parsing 10,000 literals took the server
     * longer than reading the table.
     *
     * <p>The lookup reads only the months within {@link #REPEAT_WINDOW} of the batch's events. Ids are
     * random, so a batch's ids fall into nearly every block of the table and a lookup reads all of the
     * months it is allowed to: without a bound, every batch would read every id ever stored, and the
     * loader would slow down as history grows (24 M ids over 12 months: 330 ms per lookup of 10,000
     * ids, one month of them 100 ms, measured on 18.16). A repeat is the same event sent again, whose
     * time is the first copy's give or take the clock correction, so it falls in the same months.
     */
    private List<EncodedBatch.Keyed> withoutStored(List<EncodedBatch.Keyed> events) {
        Map<String, Set<String>> idsByProject = new LinkedHashMap<>();
        Map<String, Set<LocalDate>> monthsByProject = new HashMap<>();
        for (EncodedBatch.Keyed e : events) {
            idsByProject.computeIfAbsent(e.project(), p -> new HashSet<>()).add(e.id());
            monthsByProject.computeIfAbsent(e.project(), p -> new TreeSet<>()).addAll(repeatMonths(e.event().timestamp()));
        }
        Map<String, Set<String>> stored = new HashMap<>();
        for (Map.Entry<String, Set<String>> project : idsByProject.entrySet()) {
            Set<String> found = new HashSet<>();
            // well-formed UUIDs (MessageIds.uuid): nothing in them needs TabSeparated escaping
            StringBuilder ids = new StringBuilder(project.getValue().size() * 37);
            project.getValue().forEach(id -> ids.append(id).append('\n'));
            StringJoiner months = new StringJoiner(", ", "(", ")");
            monthsByProject.get(project.getKey()).forEach(m -> months.add("toDate('" + m + "')"));
            http.select("SELECT message_id FROM stored_ids WHERE project = " + ClickHouseSql.literal(project.getKey())
                            + " AND month IN " + months + " AND message_id IN batch_ids GROUP BY message_id",
                    new ClickHouseHttp.ExternalTable("batch_ids", "message_id UUID", ids.toString().getBytes(UTF_8)))
                    .forEach(r -> found.add(r.get(0)));
            stored.put(project.getKey(), found);
        }
        List<EncodedBatch.Keyed> fresh = new ArrayList<>(events.size());
        for (EncodedBatch.Keyed e : events) {
            if (!stored.get(e.project()).contains(e.id())) {
                fresh.add(e);
            }
        }
        return fresh;
    }

    /**
     * The months (their first days, UTC, as {@code stored_ids.month} holds them) in which a first copy of
     * an event at {@code timestamp} may have been stored: those of the window around it, which is
     * shorter than any month, so the months of its two ends cover it.
     */
    static List<LocalDate> repeatMonths(Instant timestamp) {
        Instant at = EventRows.clamp(timestamp);
        LocalDate before = monthOf(EventRows.clamp(at.minus(REPEAT_WINDOW)));
        LocalDate after = monthOf(EventRows.clamp(at.plus(REPEAT_WINDOW)));
        return before.equals(after) ? List.of(before) : List.of(before, after);
    }

    /**
     * The first day of the instant's UTC month. From the epoch day, not {@code atOffset(UTC)}: that builds
     * zone rules on every call, a visible part of the loader's time in a profile (it runs per event).
     */
    private static LocalDate monthOf(Instant instant) {
        return LocalDate.ofEpochDay(Math.floorDiv(instant.getEpochSecond(), 86_400L)).withDayOfMonth(1);
    }

    /**
     * Versions order the position rows of one partition and name a batch's rollup intent. Microseconds of the clock, but never equal to or
     * below the previous one, so two writes within the clock's resolution (or a clock step back) still
     * order correctly within this process.
     */
    private long nextVersion() {
        Instant now = clock.instant();
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, now);
        lastVersion = Math.max(lastVersion + 1, micros);
        return lastVersion;
    }

    @Override
    public synchronized void writeRejected(List<LoggedRejection> rejected, Map<LogPartition, Long> nextOffsets) {
        requireNonNull(rejected, "rejected is null");
        ensureOpen();
        // rows first, positions after: a crash between the two re-reads the same records, whose copies merge away
        if (!rejected.isEmpty()) {
            http.insertJsonEachRow("rejected_events", EventRows.rejected(rejected));
        }
        if (!nextOffsets.isEmpty()) {
            http.insertJsonEachRow("loader_positions", EventRows.positions(nextOffsets, nextVersion(), clock.instant()));
        }
    }

    @Override
    public List<StoredRejection> rejected(String project, Instant since, int limit) {
        requireNonNull(project, "project is null");
        requireNonNull(since, "since is null");
        ensureOpen();
        List<List<String>> rows = http.select("SELECT toUnixTimestamp(received_at), code, reason, schema, message_id, payload,"
                + " topic, log_partition, log_offset FROM rejected_events"
                + " WHERE project = " + ClickHouseSql.literal(project) + " AND received_at >= toDateTime(" + since.getEpochSecond() + ", 'UTC')"
                + " ORDER BY received_at DESC, log_partition DESC, log_offset DESC"
                + " LIMIT 1 BY topic, log_partition, log_offset LIMIT " + limit);
        List<StoredRejection> out = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            out.add(new StoredRejection(Instant.ofEpochSecond(Long.parseLong(row.get(0))), row.get(1), row.get(2),
                    emptyToNull(row.get(3)), emptyToNull(row.get(4)), row.get(5),
                    new LogPartition(row.get(6), Integer.parseInt(row.get(7))), Long.parseLong(row.get(8))));
        }
        return out;
    }

    @Override
    public Optional<String> document(String project, String name) {
        ensureOpen();
        List<List<String>> rows = http.select("SELECT argMax(body, version) FROM saved_documents WHERE project = "
                + ClickHouseSql.literal(project) + " AND name = " + ClickHouseSql.literal(name) + " GROUP BY project, name");
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0).get(0));
    }

    @Override
    public synchronized void saveDocument(String project, String name, String json) {
        ensureOpen();
        http.insertJsonEachRow("saved_documents", EventRows.document(project, name, json, nextVersion(), clock.instant()));
    }

    private static String emptyToNull(String text) {
        return text.isEmpty() ? null : text;
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

    /**
     * A batch cut short on these partitions: the latest batch planned on some partition whose end there
     * is beyond the stored position, when all of its partitions are here (see {@link ClickHouseMigrations}).
     * Each partition's latest plan is found apart, because partitions move between loaders and the
     * latest plan of all may be another loader's finished batch. When several loaders died, several
     * batches may be unfinished; the earliest is named, and the others are loaded as new batches
     * (exact still, through the id lookup and FINAL). Plans are told apart by version, the writer's
     * clock in microseconds, so this relies on the clocks of loaders that follow each other on a
     * partition not going back.
     */
    @Override
    public synchronized Map<LogPartition, Long> unfinishedBatch(Set<LogPartition> partitions) {
        requireNonNull(partitions, "partitions is null");
        ensureOpen();
        if (partitions.isEmpty()) {
            return Map.of();
        }
        StringJoiner ours = new StringJoiner(", ", "(", ")");
        partitions.forEach(p -> ours.add("(" + ClickHouseSql.literal(p.topic()) + ", " + p.partition() + ")"));
        List<List<String>> rows = http.select("SELECT batch, topic, log_partition, next_offset FROM batch_plans WHERE batch IN"
                + " (SELECT max(batch) FROM batch_plans WHERE (topic, log_partition) IN " + ours + " GROUP BY topic, log_partition)"
                + " ORDER BY batch");
        Map<String, Map<LogPartition, Long>> plans = new LinkedHashMap<>();
        for (List<String> row : rows) {
            plans.computeIfAbsent(row.get(0), b -> new HashMap<>())
                    .put(new LogPartition(row.get(1), Integer.parseInt(row.get(2))), Long.parseLong(row.get(3)));
        }
        Set<LogPartition> planned = new HashSet<>();
        plans.values().forEach(ends -> planned.addAll(ends.keySet()));
        Map<LogPartition, Long> stored = positions(planned);
        for (Map<LogPartition, Long> ends : plans.values()) {
            boolean unfinished = ends.entrySet().stream().anyMatch(e -> stored.getOrDefault(e.getKey(), 0L) < e.getValue());
            if (unfinished) {
                return partitions.containsAll(ends.keySet()) ? Map.copyOf(ends) : Map.of();
            }
        }
        return Map.of();
    }

    @Override
    public long countEvents(String project) {
        requireNonNull(project, "project is null");
        ensureOpen();
        List<List<String>> rows = http.select("SELECT count() FROM events FINAL WHERE project = " + ClickHouseSql.literal(project));
        return Long.parseLong(rows.get(0).get(0));
    }

    @Override
    public synchronized List<String> expire(RetentionPolicy policy, Instant now) {
        ensureOpen();
        return new ClickHouseRetention(http, layout).expire(policy, now);
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
