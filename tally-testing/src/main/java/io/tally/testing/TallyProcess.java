package io.tally.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tally in a child JVM, started with the real {@code tally run} command line on this JVM's class path,
 * so that a test can kill it like {@code kill -9} ({@link Process#destroyForcibly()} sends SIGKILL) and
 * start it again, and a benchmark can give it its own heap. The default project's keys are
 * {@link #WRITE_KEY} and {@link #READ_KEY}.
 */
public final class TallyProcess implements AutoCloseable {
    public static final String WRITE_KEY = "wk_child";
    public static final String READ_KEY = "rk_child";
    private static final String MAIN_CLASS = "io.tally.server.Main";

    private final Process process;
    private final Path log;
    private final int port;

    private TallyProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    public static TallyProcess start(Path dataDir, int port, String... extraArgs) {
        return startWithHeap(dataDir, port, "-Xmx512m", extraArgs);
    }

    /** @param heap the child's heap option, e.g. {@code -Xmx1g} */
    public static TallyProcess startWithHeap(Path dataDir, int port, String heap, String... extraArgs) {
        return startCommand("run", dataDir, port, heap, extraArgs);
    }

    /**
     * Starts {@code tally <command>}: {@code run}, or a one-role command such as {@code loader}.
     *
     * @param heap the child's heap option, e.g. {@code -Xmx256m}
     */
    public static TallyProcess startCommand(String tallyCommand, Path dataDir, int port, String heap, String... extraArgs) {
        try {
            Path log = Files.createTempFile("tally-child", ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap,
                    "-cp", System.getProperty("java.class.path"), MAIN_CLASS, tallyCommand,
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--data-dir", dataDir.toString()));
            command.addAll(List.of(extraArgs));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("TALLY_DEFAULT_WRITE_KEY", WRITE_KEY);
            builder.environment().put("TALLY_DEFAULT_READ_KEY", READ_KEY);
            TallyProcess child = new TallyProcess(builder.start(), log, port);
            child.awaitReady(Duration.ofSeconds(90));
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String output = output();
            if (output.contains("Tally is running at")) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("child Tally exited with " + process.exitValue() + ":\n" + output);
            }
            sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("child Tally did not start within " + timeout + ":\n" + output());
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The child's process, e.g. for the CPU time it used. */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** The embedded broker's {@code bootstrap.servers}, as printed at start. */
    public String kafkaBootstrapServers() {
        for (String line : output().split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("kafka ")) {
                return trimmed.substring(6).trim().split(" ")[0];
            }
        }
        throw new IllegalStateException("the child printed no Kafka address:\n" + output());
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    public void killHard() {
        process.destroyForcibly();
        waitFor();
    }

    private void waitFor() {
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM: the shutdown hook stops Tally cleanly. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            waitFor();
            if (process.isAlive()) {
                killHard();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static int freePort() {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
