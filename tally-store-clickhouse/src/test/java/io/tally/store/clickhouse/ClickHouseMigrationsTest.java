package io.tally.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.testing.TestingClickHouse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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
