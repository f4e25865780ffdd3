package io.tally.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.query.Interval;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.testing.TestEvents;
import io.tally.testing.TestingClickHouse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hourly and daily rollups, their repair after a cut-short batch, and the table's columns. */
class ClickHouseRollupTest {
    private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    private static TestingClickHouse server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = TestingClickHouse.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private ClickHouseEventStore open() {
        return new ClickHouseEventStore(TestDatabases.settings(server, dir), Clock.systemUTC());
    }

    /** Random events over four months, including both 2026 DST changes in Europe, with repeated people. */
    private static List<Event> randomEvents(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant at = JAN.plusSeconds(random.nextLong(Duration.ofDays(120).toSeconds())).plusNanos(random.nextInt(1_000_000) * 1_000L);
            String name = random.nextBoolean() ? "signup" : "purchase";
            events.add(TestEvents.track("p", "m" + i, name, "u" + random.nextInt(200), at));
        }
        return events;
    }

    @Test
    void rollupsGiveTheSameTrendsAsRawEvents() {
        try (ClickHouseEventStore store = open()) {
            List<Event> events = randomEvents(20_000, 7);
            store.write(events.subList(0, 10_000), Map.of());
            store.write(events.subList(10_000, events.size()), Map.of());
            ClickHouseQueryEngine rollups = new ClickHouseQueryEngine(store);
            ClickHouseQueryEngine raw = new ClickHouseQueryEngine(store, false);
            int servedByRollup = 0;
            for (String zone : List.of("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Adelaide")) {
                for (Interval interval : Interval.values()) {
                    for (SeriesMath math : List.of(SeriesMath.TOTAL, SeriesMath.UNIQUE_USERS)) {
                        for (Instant[] range : List.of(new Instant[] {JAN, JAN.plus(Duration.ofDays(120))},
                                new Instant[] {JAN.plus(Duration.ofHours(5)), JAN.plus(Duration.ofDays(90)).plus(Duration.ofHours(7))},
                                new Instant[] {JAN.plusSeconds(1_234), JAN.plus(Duration.ofDays(40))})) {
                            TrendSpec spec = new TrendSpec("p", "signup", math, interval, ZoneId.of(zone), range[0], range[1]);
                            servedByRollup += Rollup.serving(spec) == null ? 0 : 1;
                            assertThat(rollups.series(spec)).as(spec.toString()).isEqualTo(raw.series(spec)).isNotEmpty();
                        }
                    }
                }
            }
            assertThat(servedByRollup).as("specs the rollups answered").isGreaterThan(40);
        }
    }

    @Test
    void rollupRowsThatDisagreeWithTheStoredIdsAreRebuiltAtStart() throws Exception {
        List<Event> events = randomEvents(2_000, 11);
        TrendSpec daily = new TrendSpec("p", "signup", SeriesMath.TOTAL, Interval.DAY, ZoneId.of("UTC"), JAN, JAN.plus(Duration.ofDays(120)));
        TrendSpec hourlyUsers = new TrendSpec("p", "purchase", SeriesMath.UNIQUE_USERS, Interval.HOUR, ZoneId.of("Europe/Berlin"),
                JAN, JAN.plus(Duration.ofDays(120)));
        Map<?, ?> expectedDaily;
        Map<?, ?> expectedHourly;
        try (ClickHouseEventStore store = open()) {
            store.write(events, Map.of());
            expectedDaily = new ClickHouseQueryEngine(store, false).series(daily);
            expectedHourly = new ClickHouseQueryEngine(store, false).series(hourlyUsers);
            // what a server killed between the ids' parts and the views' parts leaves: rollup rows missing,
            // and what a doubled view insert would leave: rollup rows counted twice; with the batch's intent not done
            Event first = events.stream().filter(e -> e.event().equals("signup")).findFirst().orElseThrow();
            RollupKey lost = RollupKey.of(first);
            store.http().execute("ALTER TABLE events_hourly DELETE WHERE event = " + ClickHouseSql.literal(first.event())
                    + " AND hour = toDateTime(" + lost.hour().getEpochSecond() + ")");
            store.http().execute("ALTER TABLE events_daily DELETE WHERE event = " + ClickHouseSql.literal(first.event())
                    + " AND day = toStartOfDay(toDateTime(" + lost.hour().getEpochSecond() + "))");
            Event second = events.stream().filter(e -> e.event().equals("purchase")).findFirst().orElseThrow();
            store.http().execute("INSERT INTO events_hourly (project, event, hour, events, users) SELECT project, event, toStartOfHour(timestamp), countState(), uniqExactState(concat(distinct_id, 'x'))"
                    + " FROM events WHERE message_id = " + ClickHouseSql.literal(MessageIds.uuid(second.messageId())) + " GROUP BY project, event, timestamp");
            awaitMutations(store);
            // written by a loader that stopped longer ago than a batch takes
            Instant stopped = Instant.now().minus(ClickHouseEventStore.REPAIR_AFTER).minusSeconds(1);
            store.http().insertJsonEachRow("rollup_intents", EventRows.rollupIntents(1, false, List.of(lost, RollupKey.of(second)), stopped));
            assertThat(new ClickHouseQueryEngine(store).series(daily)).isNotEqualTo(expectedDaily);
            assertThat(new ClickHouseQueryEngine(store).series(hourlyUsers)).isNotEqualTo(expectedHourly);
        }
        try (ClickHouseEventStore reopened = open()) {
            awaitMutations(reopened);
            assertThat(new ClickHouseQueryEngine(reopened).series(daily)).isEqualTo(expectedDaily);
            assertThat(new ClickHouseQueryEngine(reopened).series(hourlyUsers)).isEqualTo(expectedHourly);
            assertThat(reopened.http().select("SELECT count() FROM (SELECT batch FROM rollup_intents GROUP BY batch HAVING max(done) = 0)")
                    .get(0).get(0)).isEqualTo("0");
        }
    }

    /**
     * What ClickHouse dying inside the feed's insert leaves: the id view has run, the rollup views have
     * not (views run in name order). The loader writes the same events again, which finds them stored
     * and skips them, so the rollups would miss them for good; the store repairs its own failed batch
     * at that next write.
     */
    @Test
    void aFeedInsertCutShortIsRepairedByTheNextWrite() throws Exception {
        List<Event> events = randomEvents(500, 17);
        TrendSpec daily = new TrendSpec("p", "signup", SeriesMath.TOTAL, Interval.DAY, ZoneId.of("UTC"), JAN, JAN.plus(Duration.ofDays(120)));
        try (ClickHouseEventStore store = open()) {
            // runs after batch_feed_ids_mv, before batch_feed_rollup_day_mv and batch_feed_rollup_hour_mv
            store.http().execute("CREATE TABLE failing (x UInt8) ENGINE = Null");
            store.http().execute("CREATE MATERIALIZED VIEW batch_feed_killed_here_mv TO failing AS SELECT throwIf(length(project) > 0) AS x FROM batch_feed");
            assertThatThrownBy(() -> store.write(events, Map.of()));
            assertThat(store.http().select("SELECT (SELECT countMerge(events) FROM events_hourly), (SELECT count() FROM stored_ids)"))
                    .containsExactly(List.of("0", "500"));
            store.http().execute("DROP TABLE batch_feed_killed_here_mv");

            assertThat(store.write(events, Map.of()).duplicates()).isEqualTo(500);
            awaitMutations(store);
            assertThat(store.http().select("SELECT (SELECT countMerge(events) FROM events_hourly), (SELECT countMerge(events) FROM events_daily)"))
                    .containsExactly(List.of("500", "500"));
            assertThat(new ClickHouseQueryEngine(store).series(daily)).isEqualTo(new ClickHouseQueryEngine(store, false).series(daily));
        }
    }

    /**
     * Many small batches over a few hours, with ids repeated across batches (client retries), and some
     * writes cut short inside the feed's insert and then written again as the loader would: the rollups
     * must end up counting each stored event once, and every trend they serve must equal the raw one.
     */
    @Test
    void rollupsStayExactThroughRepeatsAndFeedsCutShort() throws Exception {
        int cutShort = 0;
        for (long seed = 1; seed <= 2; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            try (ClickHouseEventStore store = new ClickHouseEventStore(TestDatabases.settings(server, dir.resolve("s" + seed)), Clock.systemUTC())) {
                store.http().execute("CREATE TABLE failing (x UInt8) ENGINE = Null");
                java.util.Set<String> ids = new java.util.HashSet<>();
                for (int b = 0; b < 25; b++) {
                    List<Event> batch = new ArrayList<>();
                    for (int i = random.nextInt(1, 30); i > 0; i--) {
                        // a small pool of ids, so that later batches repeat earlier ones
                        int id = random.nextInt(400);
                        Instant at = JAN.plusSeconds(3_600L * (id % 5) + id);
                        batch.add(TestEvents.track("p", "m" + id, id % 3 == 0 ? "purchase" : "signup", "u" + (id % 17), at));
                        ids.add("m" + id);
                    }
                    if (random.nextInt(4) == 0) {
                        // ClickHouse dying half-way through the feed: after the id view and before both rollup
                        // views, or between the daily and the hourly one (views run in name order)
                        String killedAt = random.nextBoolean() ? "batch_feed_killed_here_mv" : "batch_feed_rollup_e_killed_here_mv";
                        store.http().execute("CREATE MATERIALIZED VIEW " + killedAt + " TO failing AS SELECT throwIf(length(project) > 0) AS x FROM batch_feed");
                        try {
                            store.write(batch, Map.of());
                        } catch (io.tally.core.TallyException expected) {
                            cutShort++; // a batch whose events are all stored already inserts nothing into the feed
                        }
                        store.http().execute("DROP TABLE " + killedAt);
                    }
                    store.write(batch, Map.of());
                }
                awaitMutations(store);
                assertThat(store.http().select("SELECT (SELECT countMerge(events) FROM events_hourly), (SELECT countMerge(events) FROM events_daily)"))
                        .as("seed " + seed).containsExactly(List.of(String.valueOf(ids.size()), String.valueOf(ids.size())));
                for (SeriesMath math : List.of(SeriesMath.TOTAL, SeriesMath.UNIQUE_USERS)) {
                    for (Interval interval : List.of(Interval.HOUR, Interval.DAY)) {
                        TrendSpec spec = new TrendSpec("p", "signup", math, interval, ZoneId.of("UTC"), JAN, JAN.plus(Duration.ofDays(1)));
                        assertThat(new ClickHouseQueryEngine(store).series(spec)).as("seed " + seed + " " + spec)
                                .isEqualTo(new ClickHouseQueryEngine(store, false).series(spec));
                    }
                }
            }
        }
        assertThat(cutShort).as("writes cut short").isGreaterThan(2);
    }

    /**
     * An unfinished intent younger than a batch takes may be another loader's batch in flight: a store
     * starting next to it leaves it alone, even when its key disagrees, and keeps it for later.
     */
    @Test
    void aYoungUnfinishedIntentIsLeftToItsWriter() throws Exception {
        List<Event> events = randomEvents(200, 13);
        TrendSpec daily = new TrendSpec("p", "signup", SeriesMath.TOTAL, Interval.DAY, ZoneId.of("UTC"), JAN, JAN.plus(Duration.ofDays(120)));
        String rolledUp;
        try (ClickHouseEventStore store = open()) {
            store.write(events, Map.of());
            Event first = events.stream().filter(e -> e.event().equals("signup")).findFirst().orElseThrow();
            store.http().execute("ALTER TABLE events_hourly DELETE WHERE event = " + ClickHouseSql.literal(first.event())
                    + " AND hour = toDateTime(" + RollupKey.of(first).hour().getEpochSecond() + ")");
            awaitMutations(store);
            store.http().insertJsonEachRow("rollup_intents", EventRows.rollupIntents(1, false, List.of(RollupKey.of(first)), Instant.now()));
            rolledUp = store.http().select("SELECT countMerge(events) FROM events_hourly").get(0).get(0);
        }
        try (ClickHouseEventStore reopened = open()) {
            awaitMutations(reopened);
            assertThat(reopened.http().select("SELECT countMerge(events) FROM events_hourly").get(0).get(0)).isEqualTo(rolledUp);
            assertThat(reopened.http().select("SELECT count() FROM (SELECT batch FROM rollup_intents GROUP BY batch HAVING max(done) = 0)")
                    .get(0).get(0)).isEqualTo("1");
            // the answers stay exact meanwhile: the trend sees the difference and reads the raw events
            assertThat(new ClickHouseQueryEngine(reopened).series(daily)).isEqualTo(new ClickHouseQueryEngine(reopened, false).series(daily));
        }
    }

    /** Mutations run in the background; a test that reads right after one must wait for it. */
    private static void awaitMutations(ClickHouseEventStore store) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (store.http().select("SELECT count() FROM system.mutations WHERE database = currentDatabase() AND is_done = 0")
                    .get(0).get(0).equals("0")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("mutations did not finish");
    }

    @Test
    void propertiesContextAndIdsAreStoredAsColumns() {
        String uuid = "6f1c2a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f";
        Instant at = Instant.parse("2026-03-01T12:00:00Z");
        Event withUuid = new Event("p", uuid, EventType.TRACK, "viewed", "u1", "u1", null, at, at, null, null, null, null, null,
                "{\"plan\":\"pro\",\"price\":9.5,\"tags\":[\"a\",\"b\"],\"nested\":{\"x\":1},\"ok\":true}", "{}",
                "{\"page\":{\"url\":\"https://e.com/a\",\"path\":\"/a\"},\"library\":{\"name\":\"analytics.js\"},\"screen\":{\"width\":1920},\"userAgent\":\"UA\"}",
                "10.0.0.1", "UA");
        Event withText = TestEvents.track("p", "client-id-1", "viewed", "u2", at);
        try (ClickHouseEventStore store = open()) {
            store.write(List.of(withUuid, withText), Map.of());
            List<List<String>> rows = store.http().select("SELECT toString(message_id), message_key,"
                    + " properties.value[indexOf(properties.key, 'plan')], properties.value[indexOf(properties.key, 'price')],"
                    + " properties.value[indexOf(properties.key, 'tags')], properties.value[indexOf(properties.key, 'nested')],"
                    + " properties.value[indexOf(properties.key, 'ok')], context_page_url, context_page_path, context_library_name,"
                    + " context.value[indexOf(context.key, 'screen.width')], has(context.key, 'userAgent'), user_agent"
                    + " FROM events ORDER BY distinct_id");
            assertThat(rows.get(0)).containsExactly(uuid, "", "pro", "9.5", "[\"a\",\"b\"]", "{\"x\":1}", "true",
                    "https://e.com/a", "/a", "analytics.js", "1920", "0", "UA");
            assertThat(rows.get(1).subList(0, 3)).containsExactly(MessageIds.uuid("client-id-1"), "client-id-1", "pro");
        }
    }

    /** Raw months are dropped after the raw retention; trends on whole days still come from the rollups until theirs. */
    @Test
    void rollupsOutliveRawEvents() {
        Instant old = Instant.parse("2024-03-10T10:00:00Z");
        Instant now = Instant.parse("2026-06-15T00:00:00Z");
        TrendSpec march = new TrendSpec("p", "signup", SeriesMath.TOTAL, Interval.DAY, ZoneId.of("UTC"),
                Instant.parse("2024-03-01T00:00:00Z"), Instant.parse("2024-04-01T00:00:00Z"));
        try (ClickHouseEventStore store = open()) {
            store.write(List.of(TestEvents.track("p", "m1", "signup", "u1", old), TestEvents.track("p", "m2", "signup", "u2", old)), Map.of());
            List<String> actions = store.expire(io.tally.core.retention.RetentionPolicy.of(io.tally.core.retention.Retention.DEFAULT), now);
            assertThat(actions).containsExactly("dropped 2024-03 from events, stored_ids, person_links");
            assertThat(store.countEvents("p")).isZero();
            assertThat(new ClickHouseQueryEngine(store).series(march)).containsOnly(Map.entry(java.time.LocalDateTime.parse("2024-03-10T00:00"), 2.0));
            assertThat(store.expire(io.tally.core.retention.RetentionPolicy.of(io.tally.core.retention.Retention.parse("P1Y/P2Y")), now))
                    .containsExactly("dropped 2024-03 from events_hourly, events_daily");
            assertThat(new ClickHouseQueryEngine(store).series(march)).isEmpty();
        }
    }

    /** Identity links go with their month: dropped with its partition, or deleted for a project that keeps less. */
    @Test
    void identityLinksExpireWithTheirMonths() throws Exception {
        Instant old = Instant.parse("2024-03-10T10:00:00Z");
        Instant recent = Instant.parse("2026-05-10T10:00:00Z");
        Instant now = Instant.parse("2026-06-15T00:00:00Z");
        try (ClickHouseEventStore store = open()) {
            store.write(List.of(identify("p", "m1", "u1", "a1", old), identify("p", "m2", "u2", "a2", recent),
                    identify("short", "m3", "u3", "a3", Instant.parse("2026-03-10T10:00:00Z")), identify("short", "m4", "u4", "a4", recent)), Map.of());
            store.expire(io.tally.core.retention.RetentionPolicy.of(io.tally.core.retention.Retention.DEFAULT), now);
            assertThat(links(store)).containsExactly(List.of("p", "a2"), List.of("short", "a3"), List.of("short", "a4"));
            store.expire(new io.tally.core.retention.RetentionPolicy(io.tally.core.retention.Retention.DEFAULT,
                    Map.of("short", io.tally.core.retention.Retention.parse("P30D/P90D"))), now);
            awaitMutations(store);
            assertThat(links(store)).containsExactly(List.of("p", "a2"), List.of("short", "a4"));
        }
    }

    private static List<List<String>> links(ClickHouseEventStore store) {
        return store.http().select("SELECT project, link_id FROM person_links GROUP BY project, link_id ORDER BY project, link_id");
    }

    private static Event identify(String project, String messageId, String userId, String anonymousId, Instant at) {
        return new Event(project, messageId, EventType.IDENTIFY, "$identify", userId, userId, anonymousId, at, at, null, null, null, null, null,
                "{}", "{}", "{}", null, null);
    }
}
