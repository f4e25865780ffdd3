package io.tally.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A real replicated ClickHouse cluster for tests: one {@link TestingZooKeeper} and
 * {@code shards × replicas} {@link TestingClickHouse} servers on 127.0.0.1, each configured with
 * <ul>
 *   <li>the ZooKeeper server,
 *   <li>a {@code <remote_servers>} entry named {@link #clusterName()} listing every shard with
 *       {@code internal_replication} on, so a {@code Distributed} table writes each row to one replica
 *       and replication copies it to the others,
 *   <li>the macros {@code {shard}} (two digits, from {@code 01}), {@code {replica}} (the node's
 *       {@link #replicaName(int, int) name}) and {@code {cluster}},
 *   <li>a distributed DDL queue, so that {@code ON CLUSTER} statements run on every node.
 * </ul>
 * Shards and replicas are numbered from 0 in this API: {@code node(0, 1)} is the second replica of the
 * first shard, whose {@code {shard}} macro is {@code 01}.
 */
public final class TestingClickHouseCluster implements AutoCloseable {
    public static final String DEFAULT_CLUSTER_NAME = "tally";
    public static final String DDL_QUEUE_PATH = "/clickhouse/task_queue/ddl";
    /**
     * ClickHouse's ZooKeeper session timeout, stock 30 s. A SIGKILLed replica's {@code is_active} node
     * lives until its session expires; a replica restarted before that cannot activate its replicated
     * tables (they answer, but neither fetch nor merge) and 18.16 tries again only every 10 s. With
     * 5 s a killed and at once restarted replica catches up about 10 s later, not 30 to 40 s later;
     * much shorter and a busy two-core machine starts losing sessions of healthy servers.
     */
    public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(5);
    /** Each node's close is bounded (a graceful stop, then SIGKILL); this only guards against a hang. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int START_ATTEMPTS = 3;

    private final String clusterName;
    private final int replicas;
    private final TestingZooKeeper zooKeeper;
    private final List<TestingClickHouse> nodes;
    private boolean closed;

    private TestingClickHouseCluster(String clusterName, int replicas, TestingZooKeeper zooKeeper, List<TestingClickHouse> nodes) {
        this.clusterName = clusterName;
        this.replicas = replicas;
        this.zooKeeper = zooKeeper;
        this.nodes = List.copyOf(nodes);
    }

    /** Starts a cluster named {@value #DEFAULT_CLUSTER_NAME}. */
    public static TestingClickHouseCluster start(int shards, int replicas) {
        return start(DEFAULT_CLUSTER_NAME, shards, replicas);
    }

    /**
     * Starts ZooKeeper, then all nodes at once, and returns when every node answers {@code /ping}.
     *
     * @param clusterName the name {@code ON CLUSTER} and {@code Distributed(...)} use; an XML element name
     */
    public static TestingClickHouseCluster start(String clusterName, int shards, int replicas) {
        requireNonNull(clusterName, "clusterName is null");
        if (!CLUSTER_NAME.matcher(clusterName).matches()) {
            throw new IllegalArgumentException("clusterName must match " + CLUSTER_NAME + ": " + clusterName);
        }
        if (shards < 1 || replicas < 1) {
            throw new IllegalArgumentException("shards and replicas must be at least 1: " + shards + " × " + replicas);
        }
        TestingZooKeeper zooKeeper = TestingZooKeeper.start();
        try {
            return new TestingClickHouseCluster(clusterName, replicas, zooKeeper, startNodes(clusterName, shards, replicas, zooKeeper));
        } catch (RuntimeException e) {
            zooKeeper.close();
            throw e;
        }
    }

    /**
     * Every node's config names every node's tcp port, so all ports are chosen up front; one that
     * another process takes before its node binds it fails that attempt, and the next picks anew.
     */
    private static List<TestingClickHouse> startNodes(String clusterName, int shards, int replicas, TestingZooKeeper zooKeeper) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            List<TestingClickHouse.Ports> ports = freePorts(shards * replicas);
            try {
                return startInParallel(clusterName, shards, replicas, zooKeeper, ports);
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    private static List<TestingClickHouse> startInParallel(
            String clusterName, int shards, int replicas, TestingZooKeeper zooKeeper, List<TestingClickHouse.Ports> ports) {
        String remoteServers = remoteServers(clusterName, shards, replicas, ports);
        AtomicInteger threads = new AtomicInteger();
        ExecutorService starter = Executors.newFixedThreadPool(ports.size(),
                task -> new Thread(task, "testing-clickhouse-cluster-start-" + threads.incrementAndGet()));
        try {
            List<Future<TestingClickHouse>> futures = new ArrayList<>();
            for (int shard = 0; shard < shards; shard++) {
                for (int replica = 0; replica < replicas; replica++) {
                    String config = zooKeeperConfig(zooKeeper) + remoteServers + macros(clusterName, shard, replica) + distributedDdl();
                    TestingClickHouse.Ports nodePorts = ports.get(shard * replicas + replica);
                    String name = replicaName(shard, replica);
                    futures.add(starter.submit(() -> TestingClickHouse.startOnPorts(
                            Files.createTempDirectory("tally-test-clickhouse-" + name), true, nodePorts, config)));
                }
            }
            return collect(futures);
        } finally {
            starter.shutdownNow();
        }
    }

    /** Waits for every start (each is bounded), so that a failure closes exactly the nodes that did start. */
    private static List<TestingClickHouse> collect(List<Future<TestingClickHouse>> futures) {
        List<TestingClickHouse> started = new ArrayList<>();
        RuntimeException failure = null;
        for (Future<TestingClickHouse> future : futures) {
            try {
                started.add(future.get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                RuntimeException wrapped = cause instanceof IOException io ? new UncheckedIOException(io)
                        : cause instanceof RuntimeException r ? r
                        : new IllegalStateException("a ClickHouse node failed to start", cause);
                if (failure == null) {
                    failure = wrapped;
                } else {
                    failure.addSuppressed(wrapped);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                started.forEach(TestingClickHouse::close);
                throw new IllegalStateException("interrupted while starting ClickHouse nodes", e);
            }
        }
        if (failure != null) {
            started.forEach(TestingClickHouse::close);
            throw failure;
        }
        return started;
    }

    private static List<TestingClickHouse.Ports> freePorts(int nodes) {
        Set<Integer> distinct = new LinkedHashSet<>();
        // the kernel may hand out a just-closed port again, and two nodes must not share one
        while (distinct.size() < nodes * 3) {
            distinct.add(TallyProcess.freePort());
        }
        List<Integer> all = new ArrayList<>(distinct);
        List<TestingClickHouse.Ports> ports = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            ports.add(new TestingClickHouse.Ports(all.get(3 * i), all.get(3 * i + 1), all.get(3 * i + 2)));
        }
        return ports;
    }

    private static String zooKeeperConfig(TestingZooKeeper zooKeeper) {
        return """
                <zookeeper>
                  <node><host>%s</host><port>%d</port></node>
                  <session_timeout_ms>%d</session_timeout_ms>
                </zookeeper>
                """.formatted(zooKeeper.host(), zooKeeper.port(), SESSION_TIMEOUT.toMillis());
    }

    private static String remoteServers(String clusterName, int shards, int replicas, List<TestingClickHouse.Ports> ports) {
        StringBuilder xml = new StringBuilder("<remote_servers><").append(clusterName).append(">\n");
        for (int shard = 0; shard < shards; shard++) {
            xml.append("  <shard><internal_replication>true</internal_replication>\n");
            for (int replica = 0; replica < replicas; replica++) {
                xml.append("    <replica><host>127.0.0.1</host><port>")
                        .append(ports.get(shard * replicas + replica).tcp())
                        .append("</port></replica>\n");
            }
            xml.append("  </shard>\n");
        }
        return xml.append("</").append(clusterName).append("></remote_servers>\n").toString();
    }

    private static String macros(String clusterName, int shard, int replica) {
        return "<macros><shard>%s</shard><replica>%s</replica><cluster>%s</cluster></macros>\n"
                .formatted(shardMacro(shard), replicaName(shard, replica), clusterName);
    }

    private static String distributedDdl() {
        return "<distributed_ddl><path>" + DDL_QUEUE_PATH + "</path></distributed_ddl>\n";
    }

    private static String shardMacro(int shard) {
        return "%02d".formatted(shard + 1);
    }

    /** The {@code {replica}} macro of a node, unique in the cluster, e.g. {@code s01-r02} for {@code node(0, 1)}. */
    public static String replicaName(int shard, int replica) {
        return "s%02d-r%02d".formatted(shard + 1, replica + 1);
    }

    public String clusterName() {
        return clusterName;
    }

    public int shards() {
        return nodes.size() / replicas;
    }

    public int replicas() {
        return replicas;
    }

    /** Every node, shard by shard: the replicas of shard 0 first. */
    public List<TestingClickHouse> nodes() {
        return nodes;
    }

    /** The node that is replica {@code replica} of shard {@code shard}, both counted from 0. */
    public TestingClickHouse node(int shard, int replica) {
        if (shard < 0 || shard >= shards() || replica < 0 || replica >= replicas) {
            throw new IndexOutOfBoundsException("no node (" + shard + ", " + replica + ") in " + shards() + " × " + replicas);
        }
        return nodes.get(shard * replicas + replica);
    }

    /** The {@code {shard}} macro of shard {@code shard} (from 0), e.g. {@code 01}. */
    public String shardName(int shard) {
        if (shard < 0 || shard >= shards()) {
            throw new IndexOutOfBoundsException("no shard " + shard + " in " + shards());
        }
        return shardMacro(shard);
    }

    public TestingZooKeeper zooKeeper() {
        return zooKeeper;
    }

    /**
     * Stops the nodes first, all at once since each graceful stop takes a second or more, so that they
     * close their sessions on a ZooKeeper that still answers; then ZooKeeper.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        List<Thread> stoppers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            TestingClickHouse node = nodes.get(i);
            Thread stopper = new Thread(() -> {
                try {
                    node.close();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, "testing-clickhouse-cluster-stop-" + (i + 1));
            stopper.start();
            stoppers.add(stopper);
        }
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        for (Thread stopper : stoppers) {
            join(stopper, deadline);
        }
        zooKeeper.close();
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static void join(Thread thread, long deadlineNanos) {
        try {
            thread.join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            // closing goes on, so that ZooKeeper is not left running; the caller still sees the interrupt
            Thread.currentThread().interrupt();
        }
    }
}
