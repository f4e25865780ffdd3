package io.tally.server;

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
 * Tally in a child JVM, started with the real {@code tally run} command line, so that a test can kill
 * it like {@code kill -9} ({@link Process#destroyForcibly()} sends SIGKILL) and start it again.
 */
final class ChildTally implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int port;

    private ChildTally(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static ChildTally start(Path dataDir, int port, String... extraArgs) {
        try {
            Path log = Files.createTempFile("tally-child", ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--data-dir", dataDir.toString()));
            command.addAll(List.of(extraArgs));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("TALLY_DEFAULT_WRITE_KEY", "wk_child");
            builder.environment().put("TALLY_DEFAULT_READ_KEY", "rk_child");
            ChildTally child = new ChildTally(builder.start(), log, port);
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

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    void killHard() {
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

    static int freePort() {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
