package io.tally.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for a baseline: {@code initdb} into a temporary directory, a server
 * that listens only on a Unix socket in that directory, {@code psql} for everything else. Stopped and
 * deleted on {@link #close()}.
 *
 * <p>PostgreSQL refuses to run as root. As root, the cluster is made and run by the {@code postgres}
 * account (or {@code nobody} where there is none) through {@code setpriv}, and the directory is handed to
 * that account; {@code psql} itself may stay root, because it connects as the cluster's own superuser
 * over the socket with trust authentication.
 */
final class PostgresServer implements AutoCloseable {
    private static final String SUPERUSER = "tally";
    private final Path dir;
    private final int port;
    private final List<String> runAs;
    private final Path bin;
    private boolean started;

    private PostgresServer(Path dir, int port, List<String> runAs, Path bin) {
        this.dir = dir;
        this.port = port;
        this.runAs = runAs;
        this.bin = bin;
    }

    static PostgresServer start() {
        Path bin = serverBinaries();
        Path dir;
        try {
            dir = Files.createTempDirectory("tally-bench-pg");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PostgresServer server = new PostgresServer(dir, io.tally.testing.TallyProcess.freePort(), unprivileged(dir), bin);
        try {
            server.initAndStart();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void initAndStart() {
        run(command(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", SUPERUSER,
                "--auth=trust", "--encoding=UTF8", "--no-locale"), "initdb");
        started = true;
        // durability settings change how fast the load runs, never how many bytes the table takes
        String options = "-p " + port + " -k " + dir + " -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
                + " -c full_page_writes=off -c max_wal_size=4GB";
        run(command(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", options, "start"), "pg_ctl start");
    }

    /** Runs SQL through psql and returns its unaligned output, one row per line, fields split by '|'. */
    String sql(String statements) {
        Process p = psql("-At", "-c", statements);
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("psql failed on " + statements + ": " + out.strip());
            }
            return out.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    long number(String query) {
        return Long.parseLong(sql(query));
    }

    /** A {@code COPY ... FROM STDIN} in progress: write its input, then close to commit it. */
    final class CopyIn implements AutoCloseable {
        private final Process process;
        private final Writer input;
        private final String statement;

        private CopyIn(String statement) {
            this.statement = statement;
            this.process = psql("-c", statement);
            this.input = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), UTF_8), 1 << 20);
        }

        Writer input() {
            return input;
        }

        @Override
        public void close() {
            try {
                input.close();
                String out = new String(process.getInputStream().readAllBytes(), UTF_8);
                if (process.waitFor() != 0) {
                    throw new IllegalStateException("psql failed on " + statement + ": " + out.strip());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    CopyIn copyIn(String statement) {
        return new CopyIn(statement);
    }

    private Process psql(String... args) {
        List<String> command = new ArrayList<>(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", dir.toString(),
                "-p", String.valueOf(port), "-U", SUPERUSER, "-d", "postgres"));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run psql (Debian: apt-get install postgresql-client)", e);
        }
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(runAs);
        command.addAll(List.of(args));
        return command;
    }

    private void run(List<String> command, String what) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed: " + out.strip() + logTail());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String logTail() {
        Path log = dir.resolve("server.log");
        try {
            if (!Files.exists(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log, UTF_8);
            return "\n--- server.log\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** The PostgreSQL binaries: on the PATH, else the newest Debian {@code /usr/lib/postgresql/N/bin}. */
    private static Path serverBinaries() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "initdb")) && Files.isExecutable(Path.of(entry, "pg_ctl"))) {
                return Path.of(entry);
            }
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("no PostgreSQL server binaries (initdb, pg_ctl) found on the PATH or in "
                    + "/usr/lib/postgresql/N/bin; Debian: apt-get install postgresql");
        }
    }

    /** Empty when not root; otherwise the setpriv prefix, with {@code dir} handed to that account. */
    private static List<String> unprivileged(Path dir) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return List.of();
        }
        UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
        for (String account : List.of("postgres", "nobody")) {
            try {
                UserPrincipal user = lookup.lookupPrincipalByName(account);
                GroupPrincipal group = lookup.lookupPrincipalByGroupName(account.equals("nobody") ? "nogroup" : account);
                PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
                view.setOwner(user);
                view.setGroup(group);
                return List.of("setpriv", "--reuid=" + account, "--regid=" + group.getName(), "--init-groups");
            } catch (IOException noSuchAccount) {
                // try the next one
            }
        }
        throw new IllegalStateException("running as root, and neither a 'postgres' nor a 'nobody' account exists to run PostgreSQL");
    }

    @Override
    public void close() {
        if (started) {
            started = false;
            try {
                run(command(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"), "pg_ctl stop");
            } catch (RuntimeException e) {
                System.err.println("could not stop PostgreSQL in " + dir + ": " + e.getMessage());
            }
        }
        TempDirectories.deleteQuietly(dir);
    }
}
