package io.tally.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.query.Breakdown;
import io.tally.core.query.CohortType;
import io.tally.core.query.EventMatcher;
import io.tally.core.query.Filter;
import io.tally.core.query.FilterOp;
import io.tally.core.query.FilterValue;
import io.tally.core.query.FunnelExclusion;
import io.tally.core.query.FunnelOrder;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.Interval;
import io.tally.core.query.PropertyRef;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.LogPartition;
import io.tally.testing.TestingClickHouse;
import io.tally.testing.TestingClickHouseCluster;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Funnels, retention and trends through the Distributed tables of a two-shard cluster give the answers
 * of one server. A person's anonymous and user ids hash to different shards, so identity links, the
 * set of ids that need one and the per-person grouping must all work across shards.
 */
class ClickHouseClusterQueriesTest {
    private static final Instant FROM = Instant.parse("2026-03-23T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-03-30T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aClusterAnswersAsOneServerDoes() {
        List<Event> events = events(new SplittableRandom(7), 60);
        try (TestingClickHouseCluster cluster = TestingClickHouseCluster.start(2, 1);
             TestingClickHouse single = TestingClickHouse.start();
             ClickHouseEventStore clustered = new ClickHouseEventStore(
                     ClickHouseSettings.of(cluster.node(0, 0).httpUrl(), "q").withCluster(cluster.clusterName()), Clock.systemUTC());
             ClickHouseEventStore alone = new ClickHouseEventStore(TestDatabases.settings(single, dir), Clock.systemUTC())) {
            clustered.write(events, Map.of());
            alone.write(events, Map.of());
            ClickHouseQueryEngine onCluster = new ClickHouseQueryEngine(clustered);
            ClickHouseQueryEngine onOne = new ClickHouseQueryEngine(alone);
            assertThat(clustered.countEvents("p")).isEqualTo(events.size());
            for (FunnelOrder order : FunnelOrder.values()) {
                List<FunnelExclusion> exclusions = order == FunnelOrder.UNORDERED ? List.of()
                        : List.of(new FunnelExclusion(EventMatcher.named("$page"), 1, 2));
                for (Breakdown breakdown : new Breakdown[] {null, new Breakdown(PropertyRef.parse("plan"), 1)}) {
                    FunnelSpec spec = new FunnelSpec("p", List.of(EventMatcher.named("view"), EventMatcher.named("cart"), EventMatcher.named("buy")),
                            Duration.ofDays(1), order, exclusions, List.of(), breakdown, FROM, TO);
                    Map<?, ?> expected = onOne.funnel(spec);
                    assertThat(onCluster.funnel(spec)).as(spec.toString()).isEqualTo(expected).isNotEmpty();
                }
            }
            for (CohortType type : CohortType.values()) {
                RetentionSpec spec = new RetentionSpec("p", EventMatcher.named("view"), EventMatcher.named("buy"), Interval.DAY, 3, type, List.of(),
                        ZoneId.of("Europe/Berlin"), FROM, TO);
                assertThat(onCluster.retention(spec)).as(spec.toString()).isEqualTo(onOne.retention(spec));
            }
            for (SeriesMath math : List.of(SeriesMath.TOTAL, SeriesMath.UNIQUE_USERS, SeriesMath.SUM, SeriesMath.P50)) {
                TrendSpec spec = new TrendSpec("p", "view", math, math.needsProperty() ? "n" : null,
                        List.of(new Filter(PropertyRef.parse("n"), FilterOp.GTE, List.of(FilterValue.number("1")))),
                        new Breakdown(PropertyRef.parse("plan"), 2), Interval.DAY, ZoneId.of("Europe/Berlin"), FROM, TO);
                assertThat(onCluster.trend(spec)).as(spec.toString()).isEqualTo(onOne.trend(spec));
            }
            assertThat(clustered.write(events, Map.of()).duplicates()).as("every id is found on whichever shard holds it").isEqualTo(events.size());
            repairsRollupsAcrossShards(clustered, events, ClickHouseSettings.of(cluster.node(1, 0).httpUrl(), "q").withCluster(cluster.clusterName()));
            migratesIdsOfSchemaFour(ClickHouseSettings.of(cluster.node(0, 0).httpUrl(), "m").withCluster(cluster.clusterName()), events);
            dropsABatchWrittenAgainAsTheSameBlock(ClickHouseSettings.of(cluster.node(0, 0).httpUrl(), "d").withCluster(cluster.clusterName()), events);
            countsBatchesWhoseRollupRowsAreAlike(ClickHouseSettings.of(cluster.node(0, 0).httpUrl(), "a").withCluster(cluster.clusterName()));
            countsOnceThroughFeedsCutShort(ClickHouseSettings.of(cluster.node(0, 0).httpUrl(), "f").withCluster(cluster.clusterName()));
        }
    }

    /**
     * What a loader killed between a batch's rows and their ids leaves behind: the batch's plan and its
     * rows, no ids, no positions. The store names that batch as unfinished, and the same events written
     * again make the same blocks, which the replicated tables drop: no second copy, even before FINAL or
     * a merge would hide it.
     */
    private static void dropsABatchWrittenAgainAsTheSameBlock(ClickHouseSettings settings, List<Event> events) {
        LogPartition p0 = new LogPartition("tally.events", 0);
        Map<LogPartition, Long> end = Map.of(p0, (long) events.size());
        try (ClickHouseEventStore store = new ClickHouseEventStore(settings, Clock.systemUTC())) {
            EncodedBatch batch = (EncodedBatch) store.prepare(events);
            List<EncodedBatch.Keyed> sorted = new ArrayList<>(batch.unique());
            sorted.sort(java.util.Comparator.comparing(EncodedBatch.Keyed::project).thenComparing(EncodedBatch.Keyed::id));
            store.http().insertJsonEachRow("batch_plans", EventRows.batchPlan(1, end, Instant.now()));
            store.http().insertJsonEachRow("events", batch.eventRows(sorted));
            assertThat(store.unfinishedBatch(java.util.Set.of(p0, new LogPartition("tally.events", 1)))).isEqualTo(end);
            assertThat(store.unfinishedBatch(java.util.Set.of(new LogPartition("tally.events", 1)))).isEmpty();

            assertThat(store.write(store.prepare(events), end).written()).isEqualTo(events.size());
            assertThat(store.http().select("SELECT count() FROM events").get(0).get(0)).as("rows, without FINAL")
                    .isEqualTo(String.valueOf(events.size()));
            assertThat(store.unfinishedBatch(java.util.Set.of(p0))).isEmpty();
        }
    }

    /**
     * Two batches of one event each, by the same person, of the same event in the same hour, feed the
     * rollups identical rows. A replicated table drops a block it has seen, so without the batch's tag
     * in every rollup row (schema version 7) only the first would be counted.
     */
    private static void countsBatchesWhoseRollupRowsAreAlike(ClickHouseSettings settings) {
        Instant at = FROM.plusSeconds(600);
        try (ClickHouseEventStore store = new ClickHouseEventStore(settings, Clock.systemUTC())) {
            for (int i = 0; i < 3; i++) {
                store.write(List.of(event(1_000 + i, EventType.TRACK, "view", "alike", null, null, at.plusSeconds(i), "{}")), Map.of());
            }
            assertThat(store.http().select("SELECT countMerge(events) FROM events_hourly").get(0).get(0)).isEqualTo("3");
            assertThat(store.http().select("SELECT countMerge(events) FROM events_daily").get(0).get(0)).isEqualTo("3");
            // while the same batch fed again (a retry after ClickHouse failed half-way) is dropped as a repeat
            EncodedBatch last = (EncodedBatch) store.prepare(List.of(event(1_002, EventType.TRACK, "view", "alike", null, null, at.plusSeconds(2), "{}")));
            EncodedBatch first = (EncodedBatch) store.prepare(List.of(event(1_000, EventType.TRACK, "view", "alike", null, null, at, "{}")));
            assertThat(last.tag()).isNotEqualTo(first.tag());
            store.http().insertJsonEachRow("batch_feed", last.feedRows(last.unique()));
            assertThat(store.http().select("SELECT countMerge(events) FROM events_hourly").get(0).get(0)).isEqualTo("3");
            assertThat(store.http().select("SELECT countMerge(events) FROM events_daily").get(0).get(0)).isEqualTo("3");
            assertThat(store.http().select("SELECT count() FROM stored_ids").get(0).get(0)).isEqualTo("3");
        }
    }

    /**
     * Batches whose feed insert fails on the shards after the id view ran and before the rollup views,
     * each written again as the loader does: the ids are stored, so the retry skips those events, and
     * the store repairs the rollups they are missing from at its next write, on every shard.
     */
    private static void countsOnceThroughFeedsCutShort(ClickHouseSettings settings) {
        SplittableRandom random = new SplittableRandom(5);
        try (ClickHouseEventStore store = new ClickHouseEventStore(settings, Clock.systemUTC())) {
            TableLayout t = store.layout();
            store.http().execute("CREATE TABLE " + t.qualified("failing") + t.onCluster() + " (x UInt8) ENGINE = Null");
            java.util.Set<String> ids = new java.util.HashSet<>();
            int cutShort = 0;
            for (int b = 0; b < 12; b++) {
                List<Event> batch = new ArrayList<>();
                for (int i = random.nextInt(1, 20); i > 0; i--) {
                    int id = random.nextInt(200);
                    batch.add(event(5_000 + id, EventType.TRACK, id % 2 == 0 ? "view" : "buy", null, "anon" + (id % 13), null,
                            FROM.plusSeconds(3_600L * (id % 4) + id), "{}"));
                    ids.add("m" + (5_000 + id));
                }
                if (b % 3 == 0) {
                    store.http().execute("CREATE MATERIALIZED VIEW " + t.qualified("batch_feed_killed_here_mv") + t.onCluster() + " TO "
                            + t.qualified("failing") + " AS SELECT throwIf(length(project) > 0) AS x FROM " + t.qualified(t.local("batch_feed")));
                    try {
                        store.write(batch, Map.of());
                    } catch (io.tally.core.TallyException expected) {
                        cutShort++;
                    }
                    store.http().execute("DROP TABLE " + t.qualified("batch_feed_killed_here_mv") + t.onCluster());
                }
                store.write(batch, Map.of());
            }
            assertThat(cutShort).isPositive();
            for (int i = 0; i < 300 && !store.http().select("SELECT count() FROM system.mutations WHERE is_done = 0").get(0).get(0).equals("0"); i++) {
                sleep(100);
            }
            assertThat(store.http().select("SELECT (SELECT countMerge(events) FROM events_hourly), (SELECT countMerge(events) FROM events_daily),"
                    + " (SELECT count() FROM events FINAL)")).containsExactly(List.of(String.valueOf(ids.size()), String.valueOf(ids.size()),
                    String.valueOf(ids.size())));
        }
    }

    /**
     * Migration 5 on a cluster: a database made by schema version 4 (ids in a sharded message_ids table
     * read by the rollup views) comes out with every id in stored_ids, found again through the
     * Distributed table, and rollups that still count each event once.
     */
    private static void migratesIdsOfSchemaFour(ClickHouseSettings settings, List<Event> events) {
        TrendSpec daily = new TrendSpec("p", "view", SeriesMath.TOTAL, Interval.DAY, ZoneId.of("UTC"), FROM, TO);
        try (ClickHouseEventStore store = new ClickHouseEventStore(settings, Clock.systemUTC())) {
            TableLayout t = store.layout();
            ClickHouseHttp http = store.http();
            for (String table : List.of("batch_feed_ids_mv", "batch_feed_rollup_hour_mv", "batch_feed_rollup_day_mv", "batch_feed",
                    t.local("batch_feed"), "stored_ids", t.local("stored_ids"))) {
                http.execute("DROP TABLE IF EXISTS " + t.qualified(table) + t.onCluster());
            }
            for (String rollup : List.of("events_hourly", "events_daily")) {
                http.execute("ALTER TABLE " + t.qualified(t.local(rollup)) + t.onCluster() + " DROP COLUMN batch");
            }
            t.sharded("message_ids", "project String, message_id UUID, event String, distinct_id String, timestamp DateTime('UTC')",
                    "ReplacingMergeTree", "", "PARTITION BY toYYYYMM(timestamp) ORDER BY (project, message_id)", "cityHash64(distinct_id)")
                    .forEach(http::execute);
            for (String grain : List.of("hour", "day")) {
                String table = grain.equals("hour") ? "events_hourly" : "events_daily";
                String start = grain.equals("hour") ? "toStartOfHour(timestamp)" : "toStartOfDay(timestamp)";
                http.execute(t.materializedView(table + "_mv", table, "SELECT project, event, " + start + " AS " + grain
                        + ", countState() AS events, uniqExactState(distinct_id) AS users FROM " + t.qualified(t.local("message_ids"))
                        + " GROUP BY project, event, " + grain));
            }
            http.execute("ALTER TABLE " + t.qualified("tally_migrations") + t.onCluster() + " DELETE WHERE version >= 5");
            for (int i = 0; i < 300 && ClickHouseMigrations.currentVersion(http) != 4; i++) {
                sleep(100); // a mutation, run in the background on every node
            }
            assertThat(ClickHouseMigrations.currentVersion(http)).isEqualTo(4);
            // what a Tally of version 4 wrote: the rows, then their ids, whose views fill the rollups
            http.insertJsonEachRow("events", EventRows.events(events));
            http.insertJsonEachRow("message_ids", EventRows.storedIds(events));
        }
        try (ClickHouseEventStore store = new ClickHouseEventStore(settings, Clock.systemUTC())) {
            assertThat(ClickHouseMigrations.currentVersion(store.http())).isEqualTo(ClickHouseMigrations.latestVersion());
            assertThat(store.http().select("SELECT name FROM system.tables WHERE database = 'm' AND name LIKE 'message_ids%'")).isEmpty();
            assertThat(store.http().select("SELECT uniqExact(message_id) FROM stored_ids").get(0).get(0)).isEqualTo(String.valueOf(events.size()));
            assertThat(store.write(events, Map.of()).duplicates()).isEqualTo(events.size());
            assertThat(new ClickHouseQueryEngine(store).series(daily)).isEqualTo(new ClickHouseQueryEngine(store, false).series(daily)).isNotEmpty();
        }
    }

    /**
     * A batch cut short whose rollup rows came twice (what a doubled view insert leaves) is found at the
     * next start and rebuilt from the events on every shard, counting only events whose ids are stored.
     */
    private static void repairsRollupsAcrossShards(ClickHouseEventStore store, List<Event> events, ClickHouseSettings otherNode) {
        TrendSpec daily = new TrendSpec("p", "view", SeriesMath.TOTAL, Interval.DAY, ZoneId.of("UTC"), FROM, TO);
        TrendSpec hourlyUsers = new TrendSpec("p", "view", SeriesMath.UNIQUE_USERS, Interval.HOUR, ZoneId.of("UTC"), FROM, TO);
        Map<?, ?> expectedDaily = new ClickHouseQueryEngine(store, false).series(daily);
        Map<?, ?> expectedUsers = new ClickHouseQueryEngine(store, false).series(hourlyUsers);
        store.http().execute("INSERT INTO events_hourly (project, event, hour, events, users) SELECT project, event, toStartOfHour(timestamp) AS hour, countState(),"
                + " uniqExactState(distinct_id) FROM events WHERE event = 'view' GROUP BY project, event, hour");
        store.http().execute("INSERT INTO events_daily (project, event, day, events, users) SELECT project, event, toStartOfDay(timestamp) AS day, countState(),"
                + " uniqExactState(distinct_id) FROM events WHERE event = 'view' GROUP BY project, event, day");
        java.util.Set<RollupKey> keys = new java.util.LinkedHashSet<>();
        events.stream().filter(e -> e.event().equals("view")).forEach(e -> keys.add(RollupKey.of(e)));
        store.http().insertJsonEachRow("rollup_intents", EventRows.rollupIntents(1, false, keys,
                Instant.now().minus(ClickHouseEventStore.REPAIR_AFTER).minusSeconds(1)));
        assertThat(new ClickHouseQueryEngine(store).series(daily)).isNotEqualTo(expectedDaily);
        try (ClickHouseEventStore reopened = new ClickHouseEventStore(otherNode, Clock.systemUTC())) {
            ClickHouseQueryEngine rollups = new ClickHouseQueryEngine(reopened);
            for (int i = 0; i < 300 && !rollups.series(daily).equals(expectedDaily); i++) {
                sleep(100); // the deletes are mutations that each node runs in the background
            }
            assertThat(rollups.series(daily)).isEqualTo(expectedDaily);
            assertThat(rollups.series(hourlyUsers)).isEqualTo(expectedUsers);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** People browsing anonymously, identifying mid-week, some through an alias, with page views between steps. */
    private static List<Event> events(SplittableRandom random, int people) {
        List<Event> events = new ArrayList<>();
        String[] names = {"view", "cart", "buy", "$page"};
        String[] plans = {"free", "pro", "team"};
        for (int person = 0; person < people; person++) {
            String user = "user" + person;
            String anonymous = "anon" + person;
            Instant login = FROM.plusSeconds(random.nextLong(Duration.ofDays(6).toSeconds()));
            events.add(event(events.size(), EventType.IDENTIFY, "$identify", user, anonymous, null, login, "{}"));
            if (person % 5 == 0) {
                events.add(event(events.size(), EventType.ALIAS, "$alias", user, null, "old" + person, login, "{}"));
            }
            for (int i = 0; i < 12; i++) {
                Instant at = FROM.plusSeconds(random.nextLong(Duration.ofDays(8).toSeconds())).plusNanos(random.nextInt(1_000_000) * 1_000L);
                boolean loggedIn = !at.isBefore(login);
                String anonymousId = person % 5 == 0 && i % 4 == 0 ? "old" + person : anonymous;
                String properties = "{\"plan\":\"" + plans[random.nextInt(plans.length)] + "\",\"n\":" + random.nextInt(5) + "}";
                events.add(event(events.size(), EventType.TRACK, names[random.nextInt(names.length)], loggedIn ? user : null,
                        loggedIn ? null : anonymousId, null, at, properties));
            }
        }
        return events;
    }

    private static Event event(int id, EventType type, String name, String userId, String anonymousId, String previousId, Instant at,
                               String properties) {
        return new Event("p", "m" + id, type, name, userId != null ? userId : anonymousId, userId, anonymousId, at, at, null, null, null, null,
                previousId, properties, "{}", "{}", null, null);
    }
}
