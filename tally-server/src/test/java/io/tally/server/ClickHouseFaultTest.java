package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tally.store.clickhouse.ClickHouseSettings;
import io.tally.testing.TestingClickHouse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClickHouse killed with SIGKILL while the loader writes into it: the loader pauses and retries, the lag
 * shows in the metrics, and once ClickHouse is back every acknowledged event is there exactly once.
 */
class ClickHouseFaultTest {
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    @TempDir
    Path dataDir;

    @Test
    void aClickHouseCrashDuringLoadingLosesAndDuplicatesNothing() {
        try (TestingClickHouse clickhouse = TestingClickHouse.start();
             TallyServer server = TallyServer.start(ServerSettings.defaults(dataDir).withHost("127.0.0.1").withPort(0)
                     .withKeys("wk_fault", "rk_fault")
                     .withClickHouse(ClickHouseSettings.of(clickhouse.httpUrl(), "tally")
                             .withCredentials(clickhouse.user(), clickhouse.password())))) {
            QueryClient queries = new QueryClient(server.url(), "rk_fault");
            BatchSender sender = new BatchSender(server.url(), "wk_fault", "ch-fault").start();
            try {
                await().atMost(PATIENCE).until(() -> queries.total("crash_test") > 2_000);
                clickhouse.killHard();
                // the collector keeps accepting into Kafka; the loader cannot write, so its lag grows
                int sentWhileDown = sender.batchesSent();
                await().atMost(PATIENCE).until(() -> sender.batchesSent() > sentWhileDown + 20);
                await().atMost(PATIENCE).until(() -> storeFailures(server) > 0 && lag(server) > 0);
                clickhouse.restart();
                int sentAfterRestart = sender.batchesSent();
                await().atMost(PATIENCE).until(() -> sender.batchesSent() > sentAfterRestart + 10);
                sender.close();
                int acknowledged = sender.accepted().size();
                await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                        .until(() -> queries.total("crash_test") >= acknowledged);
                await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
                assertThat(queries.total("crash_test")).isEqualTo(acknowledged);
                // rollups (a UTC year) and raw events (Asia/Kolkata) agree on totals and on people
                long[] fromRollups = queries.totalAndUniqueUsers("crash_test", "month");
                long[] fromEvents = queries.totalAndUniqueUsers("crash_test", "month", "Asia/Kolkata");
                assertThat(fromRollups).containsExactly(fromEvents);
            } finally {
                sender.close();
            }
        }
    }

    private static double storeFailures(TallyServer server) {
        var counter = server.metrics().find("tally.loader.store.failures").counter();
        return counter == null ? 0 : counter.count();
    }

    private static double lag(TallyServer server) {
        var gauge = server.metrics().find("tally.loader.lag.events").gauge();
        return gauge == null ? 0 : gauge.value();
    }
}
