package io.tally.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster kit is a real replicated, sharded ClickHouse: {@code ON CLUSTER} DDL reaches every node,
 * a {@code Distributed} insert lands on one replica per shard and replication copies it, a stopped or
 * killed replica catches up after its restart, and a re-sent block is dropped.
 *
 * <p>Measured here with clickhouse-server 18.16.1 on two cores: a 2 × 2 cluster with its ZooKeeper
 * starts in 1 to 2.5 s and closes in about 1.5 s; each {@code ON CLUSTER} statement returns in 0.1 to
 * 0.5 s with one line per host; a gracefully stopped replica has caught up 0.2 s after its restart, a
 * SIGKILLed one about 10 s after (see {@link TestingClickHouseCluster#SESSION_TIMEOUT}). The whole
 * class runs in about 20 s.
 */
class TestingClickHouseClusterTest {
    private static final Duration CATCH_UP = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static TestingClickHouseCluster cluster;

    @BeforeAll
    static void startCluster() {
        long started = System.nanoTime();
        cluster = TestingClickHouseCluster.start(2, 2);
        System.out.printf("2 x 2 cluster started in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        onCluster("CREATE DATABASE IF NOT EXISTS t ON CLUSTER tally");
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            long started = System.nanoTime();
            cluster.close();
            System.out.printf("cluster closed in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        }
    }

    @Test
    void onClusterDdlCreatesTheTablesOnEveryNode() {
        createTables("ddl");

        for (TestingClickHouse node : cluster.nodes()) {
            assertThat(sql(node, "SELECT name FROM system.tables WHERE database = 't' AND name LIKE 'ddl%' ORDER BY name"))
                    .isEqualTo("ddl\nddl_local\n");
        }
        assertThat(sql(cluster.node(1, 1), "SELECT zookeeper_path, replica_name FROM system.replicas WHERE table = 'ddl_local'"))
                .isEqualTo("/clickhouse/tables/02/t/ddl_local\ts02-r02\n");
    }

    @Test
    void aDistributedInsertReachesBothReplicasOfEachShard() {
        createTables("spread");

        insert(cluster.node(0, 0), "t.spread", rows("a", 1000, 3));

        long stored = 0;
        for (int shard = 0; shard < cluster.shards(); shard++) {
            assertReplicasAgree(shard, "t.spread_local");
            long rows = count(cluster.node(shard, 0), "t.spread_local");
            // cityHash64 over 1000 ids splits them about evenly; an empty shard would mean no sharding
            assertThat(rows).isBetween(300L, 700L);
            stored += rows;
        }
        assertThat(stored).isEqualTo(1000);
        // only now: a Distributed read goes to any one replica per shard, and replication is asynchronous
        for (TestingClickHouse node : cluster.nodes()) {
            assertThat(count(node, "t.spread")).isEqualTo(1000);
        }
    }

    @Test
    void aStoppedReplicaCatchesUpAfterItsRestart() {
        createTables("restart");
        insert(cluster.node(0, 0), "t.restart", rows("a", 500, 3));
        TestingClickHouse stopped = cluster.node(0, 1);

        stopped.stop();
        // a graceful stop closes the ZooKeeper session; a kill would leave the replica "active" for the session timeout
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(
                sql(cluster.node(0, 0), "SELECT active_replicas FROM system.replicas WHERE table = 'restart_local'")).isEqualTo("1\n"));
        try {
            // the Distributed table skips the stopped replica of shard 01 for writes and reads
            insert(cluster.node(1, 0), "t.restart", rows("b", 500, 3));
            assertReplicasAgree(1, "t.restart_local");
            assertThat(count(cluster.node(1, 1), "t.restart")).isEqualTo(1000);
        } finally {
            stopped.restart();
        }

        long caughtUp = assertReplicasAgree(0, "t.restart_local");
        System.out.printf("a stopped replica caught up %d ms after its restart%n", caughtUp);
        assertThat(count(stopped, "t.restart")).isEqualTo(1000);
    }

    @Test
    void aKilledReplicaCatchesUpOnceItsOldSessionHasExpired() {
        createTables("kill");
        TestingClickHouse killed = cluster.node(1, 1);

        killed.killHard();
        try {
            insert(cluster.node(1, 0), "t.kill", rows("a", 500, 3));
        } finally {
            killed.restart();
        }

        long caughtUp = assertReplicasAgree(1, "t.kill_local");
        System.out.printf("a SIGKILLed replica caught up %d ms after its restart%n", caughtUp);
        assertReplicasAgree(0, "t.kill_local");
        assertThat(count(killed, "t.kill")).isEqualTo(500);
    }

    @Test
    void theSameBlockInsertedTwiceIsStoredOnce() {
        createTables("dedup");
        String block = rows("a", 100, 1);
        TestingClickHouse node = cluster.node(1, 0);

        insertLocal(node, "t.dedup_local", block);
        long duplicatesBefore = duplicatedBlocks(node);
        insertLocal(node, "t.dedup_local", block);

        // a merge of ReplacingMergeTree would hide a second copy too; the counter shows the insert dropped it
        assertThat(duplicatedBlocks(node) - duplicatesBefore).isEqualTo(1);
        assertThat(count(node, "t.dedup_local")).isEqualTo(100);
        assertReplicasAgree(1, "t.dedup_local");
    }

    @Test
    void aSingleServerTakesExtraConfig() {
        try (TestingClickHouse server = TestingClickHouse.startWithConfig("<macros><shard>07</shard></macros>")) {
            assertThat(sql(server, "SELECT macro, substitution FROM system.macros")).isEqualTo("shard\t07\n");
            assertThat(sql(server, "SELECT value FROM system.settings WHERE name = 'poll_interval'")).isEqualTo("1\n");
            assertThat(List.of(server.tcpPort(), server.interserverPort())).allSatisfy(port -> assertThat(port).isPositive());
        }
    }

    private static void createTables(String name) {
        onCluster("CREATE TABLE t." + name + "_local ON CLUSTER tally (id String, d Date) "
                + "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/t/" + name + "_local', '{replica}') "
                + "PARTITION BY toYYYYMM(d) ORDER BY id");
        onCluster("CREATE TABLE t." + name + " ON CLUSTER tally AS t." + name + "_local "
                + "ENGINE = Distributed(tally, t, " + name + "_local, cityHash64(id))");
    }

    /** 18.16 waits for every host and answers one line per host: host, port, status, error, ... */
    private static void onCluster(String ddl) {
        long started = System.nanoTime();
        String answer = sql(cluster.node(0, 0), ddl);
        System.out.printf("%d ms: %s%n", (System.nanoTime() - started) / 1_000_000, ddl);

        List<String[]> hosts = answer.lines().map(line -> line.split("\t", -1)).toList();
        assertThat(hosts).as(answer).hasSize(cluster.nodes().size());
        assertThat(hosts).as(answer).allSatisfy(host -> assertThat(host[2]).isEqualTo("0"));
        assertThat(hosts.stream().map(host -> Integer.parseInt(host[1])))
                .containsExactlyInAnyOrderElementsOf(cluster.nodes().stream().map(TestingClickHouse::tcpPort).toList());
    }

    /** Polls until every replica of the shard holds what its first replica holds; returns how long it took. */
    private static long assertReplicasAgree(int shard, String table) {
        long started = System.nanoTime();
        String first = ids(cluster.node(shard, 0), table);
        await().atMost(CATCH_UP).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (int replica = 1; replica < cluster.replicas(); replica++) {
                assertThat(ids(cluster.node(shard, replica), table)).isEqualTo(first);
            }
        });
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static long duplicatedBlocks(TestingClickHouse node) {
        String value = sql(node, "SELECT value FROM system.events WHERE event = 'DuplicatedInsertedBlocks'").trim();
        return value.isEmpty() ? 0 : Long.parseLong(value);
    }

    private static String ids(TestingClickHouse node, String table) {
        return sql(node, "SELECT id FROM " + table + " ORDER BY id");
    }

    private static long count(TestingClickHouse node, String table) {
        return Long.parseLong(sql(node, "SELECT count() FROM " + table).trim());
    }

    /** Tab-separated rows over {@code months} monthly partitions. */
    private static String rows(String prefix, int n, int months) {
        return IntStream.range(0, n)
                .mapToObj(i -> prefix + "-" + i + "\t2024-0" + (1 + i % months) + "-15\n")
                .collect(Collectors.joining());
    }

    private static void insert(TestingClickHouse node, String table, String tsv) {
        post(node, "insert_distributed_sync=1&query=" + encode("INSERT INTO " + table + " FORMAT TabSeparated"), tsv);
    }

    private static void insertLocal(TestingClickHouse node, String table, String tsv) {
        post(node, "query=" + encode("INSERT INTO " + table + " FORMAT TabSeparated"), tsv);
    }

    private static String sql(TestingClickHouse node, String sql) {
        return post(node, "distributed_ddl_task_timeout=60", sql);
    }

    private static String post(TestingClickHouse node, String parameters, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.httpUrl() + "/?" + parameters))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
            assertThat(response.statusCode()).as("%s answered %s", body.lines().findFirst().orElse(""), response.body()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new AssertionError("cannot reach " + node.httpUrl() + ":\n" + node.logTail(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, UTF_8);
    }
}
