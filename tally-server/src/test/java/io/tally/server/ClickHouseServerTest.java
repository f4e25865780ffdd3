package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tally.store.clickhouse.ClickHouseSettings;
import io.tally.testing.TestingClickHouse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tally with {@code --store clickhouse}: events sent over HTTP are counted through the query API once. */
class ClickHouseServerTest {
    @TempDir
    Path dataDir;

    @Test
    void eventsFlowIntoClickHouseAndAreCountedOnce() {
        try (TestingClickHouse clickhouse = TestingClickHouse.start();
             TallyServer server = TallyServer.start(ServerSettings.defaults(dataDir).withHost("127.0.0.1").withPort(0)
                     .withKeys("wk_ch", "rk_ch")
                     .withClickHouse(ClickHouseSettings.of(clickhouse.httpUrl(), "tally")
                             .withCredentials(clickhouse.user(), clickhouse.password())))) {
            BatchSender sender = new BatchSender(server.url(), "wk_ch", "ch").start();
            await().atMost(Duration.ofMinutes(2)).until(() -> sender.batchesSent() >= 20);
            sender.close();
            QueryClient queries = new QueryClient(server.url(), "rk_ch");
            int acknowledged = sender.accepted().size();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> queries.total("crash_test") >= acknowledged);
            assertThat(queries.total("crash_test")).isEqualTo(acknowledged);
            assertThat(queries.query("""
                    {"kind":"trends","series":[{"event":"crash_test"}],"dateFrom":"2026-02-01","dateTo":"2026-02-28"}""")
                    .get("meta").get("store").asText()).isEqualTo("clickhouse");
        }
    }
}
