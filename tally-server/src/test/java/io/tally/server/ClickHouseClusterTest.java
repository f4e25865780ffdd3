package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.store.clickhouse.ClickHouseSettings;
import io.tally.testing.TallyProcess;
import io.tally.testing.TestingClickHouse;
import io.tally.testing.TestingClickHouseCluster;
import io.tally.testing.TestingKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode end to end: ZooKeeper, two shards of two ClickHouse replicas, an existing Kafka, and
 * Tally's roles as separate servers — one collector, two loaders writing through different nodes, one
 * query server reading through a third. One loader, a process of its own, is killed hard in mid-stream
 * and started again while the other keeps writing; then the replica that shard's writes go to, which is
 * also the node that loader talks to, is stopped and started again. Every
 * acknowledged event must then be stored exactly once on both replicas of its shard, once through the
 * Distributed table, and once in each rollup.
 */
class ClickHouseClusterTest {
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void rolesOnAReplicatedShardedClusterStoreEveryEventOnce() throws Exception {
        try (TestingClickHouseCluster cluster = TestingClickHouseCluster.start(2, 2);
             TestingKafka kafka = TestingKafka.start(dir.resolve("kafka"));
             TallyServer loader1 = role(Role.LOADER, "loader1", cluster.node(0, 0), kafka);
             TallyServer query = role(Role.QUERY, "query", cluster.node(0, 1), kafka);
             TallyServer collector = role(Role.COLLECTOR, "collector", cluster.node(0, 0), kafka)) {
            QueryClient queries = new QueryClient(query.url(), "rk_cluster");
            BatchSender sender = new BatchSender(collector.url(), "wk_cluster", "cluster").start();
            // the second loader is a process of its own, killed like a crash in the middle of the stream
            int loaderPort = TallyProcess.freePort();
            String[] loaderArgs = {"--kafka", kafka.bootstrapServers(), "--store", "clickhouse", "--clickhouse-url", cluster.node(1, 0).httpUrl(),
                    "--clickhouse-database", "tally", "--clickhouse-cluster", TestingClickHouseCluster.DEFAULT_CLUSTER_NAME};
            TallyProcess[] loader2 = {TallyProcess.startCommand("loader", dir.resolve("loader2"), loaderPort, "-Xmx256m", loaderArgs)};
            try {
                try {
                    await().atMost(PATIENCE).until(() -> queries.total("crash_test") > 1_000);
                    loader2[0].killHard();
                    int sentWhileKilled = sender.batchesSent();
                    await().atMost(PATIENCE).until(() -> sender.batchesSent() > sentWhileKilled + 20);
                    loader2[0] = TallyProcess.startCommand("loader", dir.resolve("loader2"), loaderPort, "-Xmx256m", loaderArgs);
                    await().atMost(PATIENCE).until(() -> queries.total("crash_test") > 2_000);
                    // the first replica of shard 1: the one every insert and read of that shard goes to
                    // (load_balancing in_order), and the node the second loader talks to, so inserts must
                    // fail over to the other replica while that loader waits for its server to return
                    TestingClickHouse stopped = cluster.node(1, 0);
                    stopped.stop();
                    int sentWhileDown = sender.batchesSent();
                    await().atMost(PATIENCE).until(() -> sender.batchesSent() > sentWhileDown + 20);
                    stopped.restart();
                    int sentAfterRestart = sender.batchesSent();
                    await().atMost(PATIENCE).until(() -> sender.batchesSent() > sentAfterRestart + 10);
                } finally {
                    sender.close();
                }
                assertEveryEventOnce(cluster, queries, sender.accepted().size());
            } finally {
                loader2[0].close();
            }
        }
    }

    private static void assertEveryEventOnce(TestingClickHouseCluster cluster, QueryClient queries, long acknowledged) throws Exception {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> queries.total("crash_test") >= acknowledged);
        assertThat(queries.total("crash_test")).isEqualTo(acknowledged);
        // the query server has no loader: it tells how far loading has come from the log and the stored positions
        Instant everythingSent = Instant.now();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode meta = queries.query("""
                    {"kind":"trends","series":[{"event":"crash_test"}],"interval":"day","dateFrom":"-1d","dateTo":"-1d"}""").get("meta");
            return meta.get("lagEvents").asLong(-1) == 0 && !meta.get("completeUpTo").isNull()
                    && Instant.parse(meta.get("completeUpTo").asText()).isAfter(everythingSent);
        });
        for (String rollup : new String[] {"events_hourly", "events_daily"}) {
            assertThat(sql(cluster.node(0, 0), "SELECT countMerge(events) FROM tally." + rollup + " WHERE event = 'crash_test'").trim())
                    .as(rollup).isEqualTo(String.valueOf(acknowledged));
        }
        // rollups (UTC) and raw events (a half-hour zone) agree across shards too
        assertThat(queries.totalAndUniqueUsers("crash_test", "month"))
                .containsExactly(queries.totalAndUniqueUsers("crash_test", "month", "Asia/Kolkata"));

        long onShards = 0;
        for (int shard = 0; shard < 2; shard++) {
            for (int replica = 0; replica < 2; replica++) {
                sql(cluster.node(shard, replica), "SYSTEM SYNC REPLICA tally.events_local");
                sql(cluster.node(shard, replica), "SYSTEM SYNC REPLICA tally.stored_ids_local");
            }
            // the batch the killed loader was writing was rebuilt from the same offsets, so its rows came
            // again as the same block and were dropped: no second copy, even before a merge
            String stored = sql(cluster.node(shard, 0), "SELECT count(), uniqExact(message_id) FROM tally.events_local").trim();
            assertThat(stored.split("\t")[0]).as("rows on shard " + shard + " without FINAL").isEqualTo(stored.split("\t")[1]);
            String first = sql(cluster.node(shard, 0), "SELECT count(), uniqExact(message_id) FROM tally.events_local FINAL");
            String second = sql(cluster.node(shard, 1), "SELECT count(), uniqExact(message_id) FROM tally.events_local FINAL");
            assertThat(second).as("replicas of shard " + shard).isEqualTo(first);
            String[] countAndIds = first.trim().split("\t");
            assertThat(countAndIds[0]).as("no duplicate rows on shard " + shard).isEqualTo(countAndIds[1]);
            assertThat(Long.parseLong(countAndIds[0])).as("shard " + shard + " holds events").isPositive();
            onShards += Long.parseLong(countAndIds[0]);
        }
        assertThat(onShards).isEqualTo(acknowledged);
        assertThat(sql(cluster.node(1, 1), "SELECT count(), uniqExact(message_id) FROM tally.events FINAL").trim())
                .isEqualTo(acknowledged + "\t" + acknowledged);
        // one person's events live on one shard (18.16 has no _shard_num, so each shard is asked)
        Set<String> onFirst = Set.of(sql(cluster.node(0, 0), "SELECT DISTINCT distinct_id FROM tally.events_local").split("\n"));
        Set<String> onSecond = Set.of(sql(cluster.node(1, 0), "SELECT DISTINCT distinct_id FROM tally.events_local").split("\n"));
        assertThat(onFirst).isNotEmpty().doesNotContainAnyElementsOf(onSecond);
    }

    private TallyServer role(Role role, String name, TestingClickHouse node, TestingKafka kafka) {
        return TallyServer.start(ServerSettings.defaults(dir.resolve(name)).withHost("127.0.0.1").withPort(0)
                .withRoles(EnumSet.of(role))
                .withKafka(kafka.bootstrapServers())
                .withKeys("wk_cluster", "rk_cluster")
                // a query server without a loader learns of new events only by the cache's age bound;
                // this test asks again and again while loading, so it asks the store every time
                .withQueryCacheMaxAge(Duration.ZERO)
                .withClickHouse(ClickHouseSettings.of(node.httpUrl(), "tally").withCredentials(node.user(), node.password())
                        .withCluster(TestingClickHouseCluster.DEFAULT_CLUSTER_NAME)));
    }

    private static String sql(TestingClickHouse node, String sql) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(sql + ": " + response.body()).isEqualTo(200);
        return response.body();
    }
}
