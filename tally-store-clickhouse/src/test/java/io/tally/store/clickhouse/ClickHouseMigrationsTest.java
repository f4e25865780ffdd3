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
import io.tally.testing.TestingClickHouse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
                    .extracting(r -> r.get(0)).contains("events", "message_ids", "events_hourly", "events_daily", "rollup_intents", "loader_positions", "tally_migrations");
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

    private static List<List<String>> tables(ClickHouseHttp http, String database) {
        return http.select("SELECT name, engine, create_table_query FROM system.tables WHERE database = "
                + ClickHouseSql.literal(database) + " ORDER BY name");
    }
}
