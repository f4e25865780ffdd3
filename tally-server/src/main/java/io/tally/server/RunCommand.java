package io.tally.server;

import io.tally.loader.LoaderSettings;
import io.tally.store.clickhouse.ClickHouseSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally run}: starts the roles of this process and serves until Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs Tally: the collector, the loader and the query API.",
                "",
                "With no options everything runs in this JVM, with an embedded Kafka broker, storing into DuckDB under "
                        + "the data directory. The default project's keys can be fixed with TALLY_DEFAULT_WRITE_KEY and "
                        + "TALLY_DEFAULT_READ_KEY.",
                ""})
final class RunCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--data-dir", defaultValue = "./data", description = "Where Kafka's log and the DuckDB file live (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--kafka", description = "bootstrap.servers of an existing Kafka; without it an embedded broker runs")
    String kafka;

    @Option(names = "--roles", defaultValue = "collector,loader,query",
            description = "Roles of this process, comma-separated (default: ${DEFAULT-VALUE})")
    String roles;

    @Option(names = "--store", defaultValue = "duckdb",
            description = "Where events are stored: duckdb (a file in the data directory) or clickhouse (default: ${DEFAULT-VALUE})")
    String store;

    @Option(names = "--clickhouse-url", defaultValue = "http://127.0.0.1:8123",
            description = "ClickHouse's HTTP interface, with --store clickhouse (default: ${DEFAULT-VALUE}); "
                    + "the password is read from TALLY_CLICKHOUSE_PASSWORD")
    String clickhouseUrl;

    @Option(names = "--clickhouse-user", defaultValue = "default", description = "ClickHouse user (default: ${DEFAULT-VALUE})")
    String clickhouseUser;

    @Option(names = "--clickhouse-database", defaultValue = "tally",
            description = "ClickHouse database for Tally's tables, created when missing (default: ${DEFAULT-VALUE})")
    String clickhouseDatabase;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the events topic when it is created (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--max-event-bytes", defaultValue = "32768", description = "Largest event, decompressed (default: ${DEFAULT-VALUE})")
    int maxEventBytes;

    @Option(names = "--max-body-bytes", defaultValue = "512000", description = "Largest request body, decompressed (default: ${DEFAULT-VALUE})")
    int maxBodyBytes;

    @Option(names = "--loader-batch-delay", defaultValue = "PT0.2S",
            description = "Longest time an event waits in the loader's batch, ISO-8601 (default: ${DEFAULT-VALUE})")
    Duration loaderBatchDelay;

    @Option(names = "--loader-batch-events", defaultValue = "10000", description = "Most events per loader batch (default: ${DEFAULT-VALUE})")
    int loaderBatchEvents;

    @Override
    public Integer call() {
        ServerSettings settings;
        try {
            settings = ServerSettings.defaults(dataDir)
                    .withPort(port)
                    .withHost(host)
                    .withRoles(Role.parse(roles))
                    .withKafka(kafka)
                    .withKeys(System.getenv("TALLY_DEFAULT_WRITE_KEY"), System.getenv("TALLY_DEFAULT_READ_KEY"))
                    .withCollector(io.tally.collector.CollectorSettings.defaults().withLimits(maxEventBytes, maxBodyBytes))
                    .withLoader(LoaderSettings.defaults().withMaxBatchDelay(loaderBatchDelay).withMaxBatchEvents(loaderBatchEvents))
                    .withPartitions(partitions)
                    .withClickHouse(clickHouse());
        } catch (IllegalArgumentException e) {
            System.err.println("tally run: " + e.getMessage());
            return 2;
        }
        long start = System.nanoTime();
        System.out.println("Starting Tally (roles " + roles + ", store " + store + ", data in " + dataDir.toAbsolutePath().normalize()
                + (kafka == null ? ", embedded Kafka" : ", Kafka at " + kafka) + ")...");
        TallyServer server;
        try {
            server = TallyServer.start(settings);
        } catch (RuntimeException e) {
            System.err.println("tally run: could not start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Tally...");
            server.close();
            System.out.println("Stopped.");
            stopped.countDown();
        }, "tally-shutdown"));
        printWelcome(server, (System.nanoTime() - start) / 1_000_000);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private ClickHouseSettings clickHouse() {
        return switch (store) {
            case "duckdb" -> null;
            case "clickhouse" -> {
                String password = System.getenv("TALLY_CLICKHOUSE_PASSWORD");
                yield ClickHouseSettings.of(clickhouseUrl, clickhouseDatabase)
                        .withCredentials(clickhouseUser, password == null ? "" : password);
            }
            default -> throw new IllegalArgumentException("--store must be duckdb or clickhouse, was '" + store + "'");
        };
    }

    private void printWelcome(TallyServer server, long startMillis) {
        var p = server.defaultProject();
        String url = server.url();
        System.out.printf("""

                Tally is running at %s (started in %d ms)
                  project     %s
                  write key   %s   (for sending events)
                  read key    %s   (for queries; keep it secret)
                  health      %s/health    metrics %s/metrics
                  kafka       %s

                Send an event:
                  curl -u %s: -H 'Content-Type: application/json' \\
                    -d '{"userId":"user-1","event":"signup","properties":{"plan":"pro"}}' %s/v1/track

                Count it:
                  curl -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \\
                    -d '{"kind":"trends","series":[{"event":"signup","math":"total"}],"interval":"day","dateFrom":"-7d"}' \\
                    %s/v1/projects/%s/query

                Press Ctrl-C to stop; data is kept in %s.
                %n""", url, startMillis, p.id(), p.writeKey(), p.readKey(), url, url,
                server.kafkaBootstrapServers() + (kafka == null ? " (embedded)" : ""), p.writeKey(), url, p.readKey(), url, p.id(),
                dataDir.toAbsolutePath().normalize());
        System.out.flush();
    }
}
