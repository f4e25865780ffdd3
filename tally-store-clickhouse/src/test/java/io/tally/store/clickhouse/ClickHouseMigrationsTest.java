package io.tally.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.query.EventMatcher;
import io.tally.core.query.FunnelOrder;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.query.Interval;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.EventStore;
import io.tally.testing.TestEvents;
import io.tally.testing.TestingClickHouse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClickHouseMigrationsTest {
    private static TestingClickHouse server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestingClickHouse.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void applyingTwiceChangesNothing() {
        ClickHouseSettings settings = TestDatabases.settings(server, dir);
        try (ClickHouseHttp http = new ClickHouseHttp(settings)) {
            ClickHouseMigrations.apply(http, TableLayout.of(settings), Clock.systemUTC());
            List<List<String>> tablesBefore = tables(http, settings.database());
            ClickHouseMigrations.apply(http, TableLayout.of(settings), Clock.systemUTC());
            assertThat(tables(http, settings.database())).isEqualTo(tablesBefore)
                    .extracting(r -> r.get(0)).contains("events", "stored_ids", "batch_feed", "events_hourly", "events_daily", "rollup_intents", "loader_positions", "tally_migrations");
            assertThat(ClickHouseMigrations.currentVersion(http)).isEqualTo(ClickHouseMigrations.latestVersion());
            assertThat(http.select("SELECT count() FROM tally_migrations FINAL").get(0).get(0))
                    .isEqualTo(String.valueOf(ClickHouseMigrations.latestVersion()));
        }
    }

    /** Several loaders starting at once all run the migrations; none fails and the schema comes out the same. */
    @Test
    void concurrentStartsAllSucceed() throws Exception {
        ClickHouseSettings settings = TestDatabases.settings(server, dir);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CompletableFuture<?>[] starts = new CompletableFuture<?>[4];
            for (int i = 0; i < starts.length; i++) {
                starts[i] = CompletableFuture.runAsync(() -> new ClickHouseEventStore(settings, Clock.systemUTC()).close(), pool);
            }
            CompletableFuture.allOf(starts).get();
        } finally {
            pool.shutdownNow();
        }
        try (ClickHouseHttp http = new ClickHouseHttp(settings)) {
            assertThat(ClickHouseMigrations.currentVersion(http)).isEqualTo(ClickHouseMigrations.latestVersion());
            assertThat(http.select("SELECT count() FROM tally_migrations FINAL").get(0).get(0))
                    .isEqualTo(String.valueOf(ClickHouseMigrations.latestVersion()));
        }
    }

    /** Migration 2 fills the links table from the events stored before it, so funnels see those people whole. */
    @Test
    void personLinksAreFilledFromEventsStoredBeforeTheirMigration() {
        ClickHouseSettings settings = TestDatabases.settings(server, dir);
        Instant monday = Instant.parse("2026-01-05T09:00:00Z");
        try (ClickHouseEventStore store = new ClickHouseEventStore(settings, Clock.systemUTC())) {
            // back to schema version 1: no links table, no view feeding it
            store.http().execute("DROP TABLE person_links_mv");
            store.http().execute("DROP TABLE person_links");
            store.http().execute("TRUNCATE TABLE tally_migrations");
            store.http().execute("INSERT INTO tally_migrations VALUES (1, 'first schema', 0)");
            store.write(List.of(
                    new Event("p", "m1", EventType.TRACK, "view", "a1", null, "a1", monday, monday, null, null, null, null, null, "{}", "{}", "{}", null, null),
                    new Event("p", "m2", EventType.IDENTIFY, "$identify", "u1", "u1", "a1", monday.plusSeconds(60), monday, null, null, null, null, null,
                            "{}", "{}", "{}", null, null),
                    new Event("p", "m3", EventType.TRACK, "buy", "u1", "u1", null, monday.plusSeconds(120), monday, null, null, null, null, null,
                            "{}", "{}", "{}", null, null)), Map.of());
        }
        try (ClickHouseEventStore store = new ClickHouseEventStore(settings, Clock.systemUTC())) {
            assertThat(ClickHouseMigrations.currentVersion(store.http())).isEqualTo(ClickHouseMigrations.latestVersion());
            FunnelSpec funnel = new FunnelSpec("p", List.of(EventMatcher.named("view"), EventMatcher.named("buy")), Duration.ofHours(1),
                    FunnelOrder.ORDERED, List.of(), List.of(), null, monday, monday.plus(Duration.ofDays(1)));
            assertThat(new ClickHouseQueryEngine(store).funnel(funnel).get(""))
                    .containsExactly(new FunnelStepResult(1, 0, 0), new FunnelStepResult(1, 120, 120));
        }
    }

    /**
     * Migration 5 moves a database made by schema version 4 off {@code message_ids}: the ids stored
     * before it stay known (a retry of one is still refused), the rollups keep what they counted, and
     * events written after it are counted once, through the new feed.
     */
    @Test
    void idsStoredBeforeMigrationFiveStayKnownAndRollupsCountOnce() {
        ClickHouseSettings settings = TestDatabases.settings(server, dir);
        Instant monday = Instant.parse("2026-01-05T09:00:00Z");
        List<Event> before = new ArrayList<>();
        List<Event> after = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Event e = TestEvents.track("p", "m" + i, "signup", "u" + (i % 7), monday.plusSeconds(600L * i));
            (i < 20 ? before : after).add(e);
        }
        TrendSpec total = new TrendSpec("p", "signup", SeriesMath.TOTAL, Interval.DAY, ZoneId.of("UTC"), monday.minus(Duration.ofHours(9)),
                monday.plus(Duration.ofDays(1)));
        TrendSpec users = new TrendSpec("p", "signup", SeriesMath.UNIQUE_USERS, Interval.HOUR, ZoneId.of("UTC"), monday.minus(Duration.ofHours(9)),
                monday.plus(Duration.ofDays(1)));
        try (ClickHouseEventStore store = new ClickHouseEventStore(settings, Clock.systemUTC())) {
            // back to schema version 4: one message_ids table with the event, person and time of each id, read by the rollup views
            for (String table : List.of("batch_feed_rollup_hour_mv", "batch_feed_rollup_day_mv", "batch_feed_ids_mv", "batch_feed", "stored_ids")) {
                store.http().execute("DROP TABLE " + table);
            }
            store.http().execute("ALTER TABLE events_hourly DROP COLUMN batch");
            store.http().execute("ALTER TABLE events_daily DROP COLUMN batch");
            store.http().execute("CREATE TABLE message_ids (project String, message_id UUID, event String, distinct_id String,"
                    + " timestamp DateTime('UTC')) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(timestamp) ORDER BY (project, message_id)");
            store.http().execute("CREATE MATERIALIZED VIEW events_hourly_mv TO events_hourly AS SELECT project, event,"
                    + " toStartOfHour(timestamp) AS hour, countState() AS events, uniqExactState(distinct_id) AS users FROM message_ids"
                    + " GROUP BY project, event, hour");
            store.http().execute("CREATE MATERIALIZED VIEW events_daily_mv TO events_daily AS SELECT project, event,"
                    + " toStartOfDay(timestamp) AS day, countState() AS events, uniqExactState(distinct_id) AS users FROM message_ids"
                    + " GROUP BY project, event, day");
            store.http().execute("TRUNCATE TABLE tally_migrations");
            store.http().execute("INSERT INTO tally_migrations VALUES (1, 'a', 0), (2, 'b', 0), (3, 'c', 0), (4, 'd', 0)");
            // what a Tally of that version wrote: the rows, then their ids, whose views fill the rollups
            store.http().insertJsonEachRow("events", EventRows.events(before));
            store.http().insertJsonEachRow("message_ids", EventRows.storedIds(before));
            assertThat(new ClickHouseQueryEngine(store).series(total)).containsOnly(Map.entry(LocalDateTime.parse("2026-01-05T00:00"), 20.0));
        }
        try (ClickHouseEventStore store = new ClickHouseEventStore(settings, Clock.systemUTC())) {
            assertThat(ClickHouseMigrations.currentVersion(store.http())).isEqualTo(ClickHouseMigrations.latestVersion());
            assertThat(tables(store.http(), settings.database())).extracting(r -> r.get(0))
                    .doesNotContain("message_ids", "events_hourly_mv", "events_daily_mv", "stored_ids_feed", "events_hourly_feed_mv")
                    .contains("stored_ids", "batch_feed", "batch_feed_rollup_hour_mv", "batch_feed_rollup_day_mv", "batch_feed_ids_mv");
            assertThat(store.http().select("SELECT count() FROM stored_ids").get(0).get(0)).isEqualTo("20");

            List<Event> again = new ArrayList<>(before);
            again.addAll(after);
            assertThat(store.write(again, Map.of())).isEqualTo(new EventStore.WriteResult(10, 20));
            assertThat(store.countEvents("p")).isEqualTo(30);
            assertThat(new ClickHouseQueryEngine(store).series(total)).containsOnly(Map.entry(LocalDateTime.parse("2026-01-05T00:00"), 30.0));
            // the rollups (hourly, here) and the raw events agree, people included
            assertThat(new ClickHouseQueryEngine(store).series(users)).isEqualTo(new ClickHouseQueryEngine(store, false).series(users));
        }
    }

    @Test
    void aNewerSchemaIsRefused() {
        ClickHouseSettings settings = TestDatabases.settings(server, dir);
        new ClickHouseEventStore(settings, Clock.systemUTC()).close();
        try (ClickHouseHttp http = new ClickHouseHttp(settings)) {
            http.execute("INSERT INTO tally_migrations VALUES (999, 'from the future', 0)");
        }
        assertThatThrownBy(() -> new ClickHouseEventStore(settings, Clock.systemUTC()))
                .isInstanceOfSatisfying(TallyException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                    assertThat(e.getMessage()).contains("schema version 999");
                });
    }

    /** --clickhouse-user with TALLY_CLICKHOUSE_PASSWORD: the store works as that user; a wrong password is a final, named error. */
    @Test
    void aUserWithAPasswordIsUsedAndAWrongPasswordIsRefusedByName() {
        ClickHouseSettings asUser = TestDatabases.settings(server, dir).withCredentials(TestingClickHouse.PASSWORD_USER, TestingClickHouse.PASSWORD);
        try (ClickHouseEventStore store = new ClickHouseEventStore(asUser, Clock.systemUTC())) {
            store.write(List.of(TestEvents.track("p", "m1", "signup", "u1", Instant.parse("2026-01-05T10:00:00Z"))), Map.of());
            assertThat(store.countEvents("p")).isEqualTo(1);
        }
        ClickHouseSettings wrong = asUser.withCredentials(TestingClickHouse.PASSWORD_USER, "not the password");
        assertThatThrownBy(() -> new ClickHouseEventStore(wrong, Clock.systemUTC()))
                .isInstanceOfSatisfying(TallyException.class, e -> {
                    // not retried as if the server were down
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                    assertThat(e.getMessage()).contains("HTTP 401").contains("Wrong password for user " + TestingClickHouse.PASSWORD_USER);
                });
    }

    private static List<List<String>> tables(ClickHouseHttp http, String database) {
        return http.select("SELECT name, engine, create_table_query FROM system.tables WHERE database = "
                + ClickHouseSql.literal(database) + " ORDER BY name");
    }
}
