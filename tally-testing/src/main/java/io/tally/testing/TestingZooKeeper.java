package io.tally.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A real standalone ZooKeeper server for tests, running inside this JVM on 127.0.0.1 and a port the
 * kernel picked, with its snapshots and transaction log in a directory of its own.
 *
 * <p>Clients may ask for sessions as short as one second, and the tick that expiry is checked on is
 * short: a test that SIGKILLs a ClickHouse replica wants the replica's ephemeral nodes gone in
 * seconds, not after the 4 s to 40 s that the stock 2 s tick allows.
 */
public final class TestingZooKeeper implements AutoCloseable {
    /** Expired sessions are found once a tick, so a session outlives its timeout by up to a tick. */
    private static final Duration TICK = Duration.ofMillis(200);
    private static final Duration MIN_SESSION_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration MAX_SESSION_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_CLIENT_CONNECTIONS = 200;
    private static final String HOST = "127.0.0.1";

    private final Path dir;
    private final boolean ownsDir;
    private final ZooKeeperServer server;
    private final NIOServerCnxnFactory connections;
    private boolean closed;

    private TestingZooKeeper(Path dir, boolean ownsDir, ZooKeeperServer server, NIOServerCnxnFactory connections) {
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.server = server;
        this.connections = connections;
    }

    /** Starts a server in a new temporary directory, deleted on {@link #close()}. */
    public static TestingZooKeeper start() {
        try {
            return startIn(Files.createTempDirectory("tally-test-zookeeper"), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a server keeping its data in {@code dir}, which is left in place on {@link #close()}. */
    public static TestingZooKeeper start(Path dir) {
        return startIn(requireNonNull(dir, "dir is null"), false);
    }

    private static TestingZooKeeper startIn(Path dir, boolean ownsDir) {
        Path absolute = dir.toAbsolutePath();
        ZooKeeperServer server = null;
        NIOServerCnxnFactory connections = new NIOServerCnxnFactory();
        try {
            Files.createDirectories(absolute.resolve("data"));
            Files.createDirectories(absolute.resolve("log"));
            server = new ZooKeeperServer(absolute.resolve("data").toFile(), absolute.resolve("log").toFile(), (int) TICK.toMillis());
            server.setMinSessionTimeout((int) MIN_SESSION_TIMEOUT.toMillis());
            server.setMaxSessionTimeout((int) MAX_SESSION_TIMEOUT.toMillis());
            // binding port 0 lets the kernel choose, so no other process can take the port in between
            connections.configure(new InetSocketAddress(HOST, 0), MAX_CLIENT_CONNECTIONS);
            connections.startup(server);
            return new TestingZooKeeper(absolute, ownsDir, server, connections);
        } catch (IOException e) {
            shutdown(connections, server);
            throw new UncheckedIOException("cannot start ZooKeeper in " + absolute, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown(connections, server);
            throw new IllegalStateException("interrupted while starting ZooKeeper", e);
        } catch (RuntimeException e) {
            shutdown(connections, server);
            throw e;
        }
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return connections.getLocalPort();
    }

    /** The {@code host:port} a ZooKeeper client connects to. */
    public String connectString() {
        return host() + ":" + port();
    }

    public Path dir() {
        return dir;
    }

    public synchronized boolean isRunning() {
        return !closed && server.isRunning();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        shutdown(connections, server);
        if (ownsDir) {
            deleteRecursively(dir);
        }
    }

    /** Closing the connections first lets clients see a disconnect rather than requests that never end. */
    private static void shutdown(NIOServerCnxnFactory connections, ZooKeeperServer server) {
        connections.shutdown();
        if (server != null) {
            // the factory shuts down the server it started; this covers a start that failed before that
            server.shutdown();
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is not worth failing a test for
        }
    }
}
