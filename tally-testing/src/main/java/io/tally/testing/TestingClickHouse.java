package io.tally.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real ClickHouse server for tests: the Debian {@code clickhouse-server} binary started as a child
 * process with a config written into its own directory (data, tmp, logs) and free ports, listening on
 * 127.0.0.1 only. The package's system service and {@code /etc/clickhouse-server} are never used.
 *
 * <p>{@link #killHard()}, {@link #stop()} and {@link #restart()} keep the directory and the ports, so a
 * fault test can take the server away under a running client and bring it back with its data.
 *
 * <p>{@link #startWithConfig(String)} adds server settings such as {@code <zookeeper>} or
 * {@code <remote_servers>}; {@link TestingClickHouseCluster} builds replicated clusters from it.
 */
public final class TestingClickHouse implements AutoCloseable {
    /** Overrides where the server binary is looked for, e.g. {@code /opt/clickhouse/bin/clickhouse}. */
    public static final String BINARY_PROPERTY = "tally.clickhouse.binary";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /**
     * How long a graceful stop may take before SIGKILL. 18.16 waits for open client connections (a
     * client's idle keep-alive connection included) before it stops, 10 s when a client keeps one.
     * Inserted parts are on disk before the insert is acknowledged, so a kill loses nothing a test saw.
     */
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(3);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 3;

    private final Path dir;
    private final boolean ownsDir;
    private final List<String> command;
    private final String extraConfig;
    private int httpPort;
    private int tcpPort;
    private int interserverPort;
    private Process process;
    private Thread shutdownHook;
    /** Set by {@link #killHard()}, so that {@link #close()} does not report that exit as a crash. */
    private boolean killedOnPurpose;
    private boolean closed;

    private TestingClickHouse(Path dir, boolean ownsDir, String extraConfig) {
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.extraConfig = extraConfig;
        this.command = serverCommand(dir.resolve("config.xml"));
    }

    /** Starts a server in a new temporary directory, deleted on {@link #close()}. */
    public static TestingClickHouse start() {
        try {
            return startIn(Files.createTempDirectory("tally-test-clickhouse"), true, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a server keeping its data in {@code dir}, which is left in place on {@link #close()}. */
    public static TestingClickHouse start(Path dir) {
        return startIn(requireNonNull(dir, "dir is null"), false, "");
    }

    /**
     * Starts a server in a new temporary directory, deleted on {@link #close()}, with
     * {@code extraConfigXml} placed inside the {@code <yandex>} element of its config, after the
     * kit's own settings (e.g. {@code <zookeeper>}, {@code <macros>}).
     */
    public static TestingClickHouse startWithConfig(String extraConfigXml) {
        requireNonNull(extraConfigXml, "extraConfigXml is null");
        try {
            return startIn(Files.createTempDirectory("tally-test-clickhouse"), true, extraConfigXml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a server on ports the caller chose, in one attempt: a cluster's config names every node's
     * ports, so they are fixed before any node starts, and a port taken meanwhile fails the start.
     */
    static TestingClickHouse startOnPorts(Path dir, boolean ownsDir, Ports ports, String extraConfigXml) {
        requireNonNull(dir, "dir is null");
        requireNonNull(ports, "ports is null");
        requireNonNull(extraConfigXml, "extraConfigXml is null");
        TestingClickHouse server = new TestingClickHouse(dir.toAbsolutePath(), ownsDir, extraConfigXml);
        try {
            synchronized (server) {
                server.writeConfig(ports.http(), ports.tcp(), ports.interserver());
                server.launch();
            }
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static TestingClickHouse startIn(Path dir, boolean ownsDir, String extraConfig) {
        TestingClickHouse server = new TestingClickHouse(dir.toAbsolutePath(), ownsDir, extraConfig);
        try {
            server.startOnFreePorts();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Base URL of the HTTP interface, e.g. {@code http://127.0.0.1:41234}. */
    public synchronized String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** The native protocol port, which a {@code <remote_servers>} entry names. */
    public synchronized int tcpPort() {
        return tcpPort;
    }

    /** The port replicas fetch parts from each other on. */
    public synchronized int interserverPort() {
        return interserverPort;
    }

    /** A second user, with a password, for tests of credentials; {@link #user()} has none. */
    public static final String PASSWORD_USER = "tally_user";
    public static final String PASSWORD = "s3cret with spaces:and:colons";

    public String user() {
        return "default";
    }

    public String password() {
        return "";
    }

    /** The running server's process, e.g. for the CPU time it used; it changes with {@link #restart}. */
    public synchronized ProcessHandle handle() {
        if (process == null) {
            throw new IllegalStateException("ClickHouse is not running");
        }
        return process.toHandle();
    }

    public Path dir() {
        return dir;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, like a crash: nothing is flushed. The directory and ports stay for {@link #restart()}. */
    public synchronized void killHard() {
        if (process != null) {
            killedOnPurpose = true;
            process.destroyForcibly();
            awaitExit(process, STOP_TIMEOUT);
        }
    }

    /**
     * Stops the server if it runs (SIGTERM, then SIGKILL after a few seconds), keeping the directory and
     * ports for {@link #restart()}. Unlike {@link #killHard()} this closes its ZooKeeper session, so
     * other replicas see it gone at once.
     */
    public synchronized void stop() {
        stopProcess();
    }

    /** Stops the server if it runs (SIGTERM, then SIGKILL) and starts it again on the same data and ports. */
    public synchronized void restart() {
        ensureNotClosed();
        stopProcess();
        launch();
    }

    /**
     * Ports are picked free and then handed to the server, so another process may take one in between;
     * the server then exits at once and the next attempt picks new ports.
     */
    private synchronized void startOnFreePorts() {
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            writeConfig(TallyProcess.freePort(), TallyProcess.freePort(), TallyProcess.freePort());
            try {
                launch();
                return;
            } catch (IllegalStateException e) {
                last = e;
                stopProcess();
            }
        }
        throw last;
    }

    private void launch() {
        killedOnPurpose = false;
        try {
            Files.createDirectories(dir.resolve("log"));
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/stdout.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        if (shutdownHook == null) {
            // a test JVM that dies without close() must not leave a server behind
            shutdownHook = new Thread(this::destroyOnExit, "testing-clickhouse-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        awaitPing();
    }

    private void awaitPing() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("clickhouse-server exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (pingOk()) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("clickhouse-server did not answer /ping within " + START_TIMEOUT + ":\n" + logTail());
    }

    private boolean pingOk() {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(httpUrl() + "/ping").toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(1000);
            // an idle kept-alive connection would hold up the server's graceful shutdown
            connection.setRequestProperty("Connection", "close");
            try (InputStream in = connection.getInputStream()) {
                return connection.getResponseCode() == 200 && new String(in.readAllBytes(), UTF_8).startsWith("Ok.");
            } finally {
                connection.disconnect();
            }
        } catch (IOException notYet) {
            return false;
        }
    }

    /** The last lines of the server's logs, for failure messages. */
    public String logTail() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("stdout.log", "server.err.log")) {
            Path file = dir.resolve("log").resolve(name);
            try {
                List<String> lines = Files.exists(file) ? Files.readAllLines(file, UTF_8) : List.of();
                out.append("--- ").append(name).append('\n');
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> out.append(l).append('\n'));
            } catch (IOException | UncheckedIOException e) {
                out.append("(cannot read ").append(file).append(": ").append(e.getMessage()).append(")\n");
            }
        }
        return out.toString();
    }

    private void writeConfig(int http, int tcp, int interserver) {
        httpPort = http;
        tcpPort = tcp;
        interserverPort = interserver;
        String d = dir.toString();
        String config = """
                <?xml version="1.0"?>
                <yandex>
                  <logger>
                    <level>information</level>
                    <log>%1$s/log/server.log</log>
                    <errorlog>%1$s/log/server.err.log</errorlog>
                    <size>10M</size>
                    <count>1</count>
                  </logger>
                  <listen_host>127.0.0.1</listen_host>
                  <http_port>%2$d</http_port>
                  <tcp_port>%3$d</tcp_port>
                  <interserver_http_port>%4$d</interserver_http_port>
                  <interserver_http_host>127.0.0.1</interserver_http_host>
                  <path>%1$s/data/</path>
                  <tmp_path>%1$s/tmp/</tmp_path>
                  <user_files_path>%1$s/user_files/</user_files_path>
                  <format_schema_path>%1$s/format_schemas/</format_schema_path>
                  <users_config>%1$s/users.xml</users_config>
                  <default_profile>default</default_profile>
                  <default_database>default</default_database>
                  <timezone>UTC</timezone>
                  <max_concurrent_queries>50</max_concurrent_queries>
                  <mark_cache_size>67108864</mark_cache_size>
                  <uncompressed_cache_size>0</uncompressed_cache_size>
                  <keep_alive_timeout>1</keep_alive_timeout>
                  <shutdown_wait_unfinished>1</shutdown_wait_unfinished>
                %5$s
                </yandex>
                """.formatted(d, http, tcp, interserver, extraConfig);
        // quotas with all limits 0 mean unlimited; the server refuses a user whose quota is undefined.
        // An idle native connection, such as another node's Distributed table keeps to this one, notices a
        // shutdown only when its poll_interval wait ends: 10 s by default, longer than GRACEFUL_STOP.
        // max_threads: 18.16 defaults it to the physical cores it detects, and detects one on this 2-CPU
        // machine; with both, the query benchmark's funnel and retention took a third less time (measured).
        String users = """
                <?xml version="1.0"?>
                <yandex>
                  <profiles><default><max_memory_usage>1000000000</max_memory_usage><poll_interval>1</poll_interval>
                    <max_threads>%d</max_threads></default></profiles>
                  <users>
                    <default>
                      <password></password>
                      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
                      <profile>default</profile>
                      <quota>default</quota>
                    </default>
                    <%2$s>
                      <password>%3$s</password>
                      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
                      <profile>default</profile>
                      <quota>default</quota>
                    </%2$s>
                  </users>
                  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
                    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
                </yandex>
                """.formatted(Runtime.getRuntime().availableProcessors(), PASSWORD_USER, PASSWORD);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.xml"), config, UTF_8);
            Files.writeString(dir.resolve("users.xml"), users, UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ClickHouse config into " + dir, e);
        }
    }

    /** Debian ships {@code /usr/sbin/clickhouse-server}; newer packages ship one {@code clickhouse} binary. */
    private static List<String> serverCommand(Path config) {
        String configArg = "--config-file=" + config;
        String override = System.getProperty(BINARY_PROPERTY);
        if (override != null) {
            return override.endsWith("clickhouse") ? List.of(override, "server", configArg) : List.of(override, configArg);
        }
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/sbin/clickhouse-server"), Path.of("/usr/bin/clickhouse-server")));
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                candidates.add(Path.of(entry, "clickhouse-server"));
            }
        }
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                return List.of(candidate.toString(), configArg);
            }
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path multi = Path.of(entry.isEmpty() ? "." : entry, "clickhouse");
            if (Files.isExecutable(multi)) {
                return List.of(multi.toString(), "server", configArg);
            }
        }
        throw new IllegalStateException("no clickhouse-server binary found; install it with "
                + "'apt-get install -y clickhouse-server' or set -D" + BINARY_PROPERTY);
    }

    private void stopProcess() {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            process.destroy();
            if (!awaitExit(process, GRACEFUL_STOP)) {
                process.destroyForcibly();
                awaitExit(process, STOP_TIMEOUT);
            }
        }
        process = null;
    }

    private void destroyOnExit() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            awaitExit(p, Duration.ofSeconds(5));
        }
        if (ownsDir) {
            deleteRecursively(dir);
        }
    }

    private static boolean awaitExit(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private void ensureNotClosed() {
        if (closed) {
            throw new IllegalStateException("this TestingClickHouse is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (process != null && !process.isAlive() && !killedOnPurpose) {
            // a server that died under a test (a crash of its own) explains the test's failures; its log goes with the directory
            System.err.println("clickhouse-server in " + dir + " had exited by itself with " + process.exitValue() + ":\n" + logTail());
        }
        stopProcess();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException jvmIsExiting) {
                // the hook runs anyway
            }
        }
        if (ownsDir) {
            deleteRecursively(dir);
        }
    }

    /** The three ports a server listens on. */
    record Ports(int http, int tcp, int interserver) {
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for clickhouse-server", e);
        }
    }
}
