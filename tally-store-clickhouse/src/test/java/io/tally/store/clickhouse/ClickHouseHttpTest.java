package io.tally.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.spi.LogPartition;
import io.tally.testing.TallyProcess;
import io.tally.testing.TestEvents;
import io.tally.testing.TestingClickHouse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How failures surface: retryable when the server is away or busy, final when it refuses the SQL. */
class ClickHouseHttpTest {
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
    void refusedSqlIsNotRetryable() {
        try (ClickHouseHttp http = new ClickHouseHttp(TestDatabases.settings(server, dir))) {
            http.executeServerWide("CREATE DATABASE IF NOT EXISTS " + TestDatabases.settings(server, dir).database());
            assertThatThrownBy(() -> http.select("SELEKT 1")).isInstanceOfSatisfying(TallyException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                assertThat(e.getMessage()).contains("Code 62");
            });
            assertThatThrownBy(() -> http.select("SELECT * FROM no_such_table"))
                    .isInstanceOfSatisfying(TallyException.class, e -> assertThat(e.retryable()).isFalse());
            // 18.16 answers a type error with HTTP 500; it is still our SQL's fault
            assertThatThrownBy(() -> http.select("SELECT 'x' + 1"))
                    .isInstanceOfSatisfying(TallyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
        }
    }

    /**
     * What the feed's design rests on (decision 013), as 18.16 does it: an insert into a Null table runs
     * its views one after the other in the order of their names, whatever the order they were made in,
     * and a view that fails leaves the rows of the views before it. So {@code batch_feed}'s id view
     * ({@code batch_feed_ids_mv}) writes before its rollup views ({@code batch_feed_rollup_*}).
     */
    @Test
    void aNullTableFeedsItsViewsInNameOrderAndAFailureKeepsTheEarlierOnes() {
        try (ClickHouseHttp http = new ClickHouseHttp(TestDatabases.settings(server, dir))) {
            http.executeServerWide("CREATE DATABASE IF NOT EXISTS " + TestDatabases.settings(server, dir).database());
            http.execute("CREATE TABLE feed (x UInt8) ENGINE = Null");
            for (String target : List.of("a", "b", "c")) {
                http.execute("CREATE TABLE " + target + " (x UInt8) ENGINE = MergeTree() ORDER BY x");
            }
            http.execute("CREATE MATERIALIZED VIEW feed_c_mv TO c AS SELECT x FROM feed");
            http.execute("CREATE MATERIALIZED VIEW feed_b_mv TO b AS SELECT x + throwIf(x = 1) AS x FROM feed");
            http.execute("CREATE MATERIALIZED VIEW feed_a_mv TO a AS SELECT x FROM feed");
            assertThatThrownBy(() -> http.execute("INSERT INTO feed VALUES (1)")).isInstanceOf(TallyException.class);
            assertThat(http.select("SELECT (SELECT count() FROM a), (SELECT count() FROM b), (SELECT count() FROM c)"))
                    .containsExactly(List.of("1", "0", "0"));
        }
    }

    /** A table sent with the query is read whole, also far beyond what an IN list in the SQL may hold. */
    @Test
    void anExternalTableIsReadByItsName() {
        try (ClickHouseHttp http = new ClickHouseHttp(TestDatabases.settings(server, dir))) {
            http.executeServerWide("CREATE DATABASE IF NOT EXISTS " + TestDatabases.settings(server, dir).database());
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < 60_000; i++) {
                rows.append(new java.util.UUID(0, i)).append('\t').append(i % 2 == 0 ? "even\\tab" : "odd").append('\n');
            }
            List<List<String>> answer = http.select("SELECT count(), uniqExact(id), countIf(kind = 'even\\tab') FROM sent",
                    new ClickHouseHttp.ExternalTable("sent", "id UUID, kind String", rows.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            // the rows hold backslash-t, TabSeparated's escape of a tab, which the SQL literal 'even\\tab' means too
            assertThat(answer).containsExactly(List.of("60000", "60000", "30000"));
        }
    }

    @Test
    void wrongCredentialsAreNotRetryable() {
        ClickHouseSettings settings = TestDatabases.settings(server, dir).withCredentials("nobody", "secret");
        try (ClickHouseHttp http = new ClickHouseHttp(settings)) {
            assertThatThrownBy(() -> http.executeServerWide("SELECT 1")).isInstanceOfSatisfying(TallyException.class, e -> {
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).doesNotContain("secret");
            });
        }
    }

    @Test
    void serverSideFailuresAreRetryable() {
        assertThat(ClickHouseHttp.failure(500, "Code: 252, e.displayText() = DB::Exception: Too many parts", "INSERT").code())
                .isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThat(ClickHouseHttp.failure(503, "Service Unavailable", "SELECT 1").code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThat(ClickHouseHttp.failure(400, "Code: 62, Syntax error", "SELEKT").code()).isEqualTo(ErrorCode.INTERNAL);
    }

    @Test
    void aServerThatIsNotThereIsRetryable() {
        ClickHouseSettings settings = ClickHouseSettings.of("http://127.0.0.1:" + TallyProcess.freePort(), "tally");
        assertThatThrownBy(() -> new ClickHouseEventStore(settings, Clock.systemUTC()))
                .isInstanceOfSatisfying(TallyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
    }

    /** The kit's restart keeps data and ports, so a store created before a crash works after it. */
    @Test
    void aStoreSurvivesAServerCrashAndRestart() {
        LogPartition p0 = new LogPartition("tally.events", 0);
        ClickHouseSettings settings = TestDatabases.settings(server, dir);
        try (ClickHouseEventStore store = new ClickHouseEventStore(settings, Clock.systemUTC())) {
            store.write(List.of(TestEvents.track("p", "m1", "a", "u", Instant.parse("2026-01-01T00:00:00Z"))), Map.of(p0, 1L));
            server.killHard();
            assertThatThrownBy(() -> store.write(List.of(TestEvents.track("p", "m2", "a", "u", Instant.now())), Map.of(p0, 2L)))
                    .isInstanceOfSatisfying(TallyException.class, e -> assertThat(e.retryable()).isTrue());
            server.restart();
            var retried = store.write(List.of(TestEvents.track("p", "m2", "a", "u", Instant.parse("2026-01-01T00:00:01Z"))), Map.of(p0, 2L));
            assertThat(retried.written()).isEqualTo(1);
            assertThat(store.countEvents("p")).isEqualTo(2);
            assertThat(store.positions(Set.of(p0))).containsEntry(p0, 2L);
        }
    }

    @Test
    void compressedInsertsArriveIntact() {
        ClickHouseSettings plain = TestDatabases.settings(server, dir);
        ClickHouseSettings gzip = new ClickHouseSettings(plain.url(), plain.user(), plain.password(), plain.database(),
                Duration.ofSeconds(5), Duration.ofSeconds(30), true, "");
        try (ClickHouseEventStore store = new ClickHouseEventStore(gzip, Clock.systemUTC())) {
            store.write(List.of(TestEvents.track("p", "m1", "a", "u", Instant.now()), TestEvents.track("p", "m2", "a", "u", Instant.now())), Map.of());
            assertThat(store.countEvents("p")).isEqualTo(2);
        }
    }
}
