package io.tally.server;

import io.tally.core.retention.Retention;
import io.tally.core.retention.RetentionPolicy;
import io.tally.loader.LoaderSettings;
import io.tally.loader.RetentionSettings;
import io.tally.store.clickhouse.ClickHouseSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What every serving command shares: {@code tally run} and the one-role commands {@code tally collector},
 * {@code tally loader} and {@code tally query} differ only in which roles they start.
 */
abstract class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--data-dir", defaultValue = "./data", description = "Where Kafka's log and the DuckDB file live (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--kafka", description = "bootstrap.servers of an existing Kafka; without it an embedded broker runs")
    String kafka;

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

    @Option(names = "--clickhouse-cluster", defaultValue = "",
            description = "Cluster name from ClickHouse's remote_servers config: tables are replicated per shard behind "
                    + "Distributed tables (needs ZooKeeper and the shard and replica macros). Empty: one server")
    String clickhouseCluster;

    @Option(names = "--retention", paramLabel = "RAW/ROLLUPS",
            description = "How long to keep raw events / rollups, as ISO-8601 periods (default P2Y/P5Y). Given to a loader, "
                    + "it and --project-retention become the policy of every loader (the latest given wins); a loader "
                    + "started without either enforces that shared policy")
    String retention;

    @Option(names = "--project-retention", paramLabel = "PROJECT=RAW/ROLLUPS",
            description = "Retention of one project, e.g. shop=P90D/P1Y; repeat for more projects (shared like --retention)")
    Map<String, String> projectRetention = new LinkedHashMap<>();

    @Option(names = "--retention-check-interval", defaultValue = "PT1H",
            description = "Time between two retention runs of the loader, ISO-8601 (default: ${DEFAULT-VALUE})")
    Duration retentionCheckInterval;

    @Option(names = "--query-cache-max-age", defaultValue = "PT60S",
            description = "How long a query answer may be served from the cache, ISO-8601, PT0S to PT5M; "
                    + "answers are also dropped when new events change them (default: ${DEFAULT-VALUE})")
    Duration queryCacheMaxAge;

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

    @Option(names = "--schemas-dir", paramLabel = "DIR",
            description = "A tracking-plan directory (PROJECT/EVENT/1-0-0.json, PROJECT/validation.json) registered at start by the collector")
    Path schemasDir;

    @Option(names = "--timezone", paramLabel = "ZONE",
            description = "Time zone of the default project, an IANA name such as Europe/Berlin: queries without a timezone "
                    + "use it. Kept in the data directory, so later starts without it keep it (first start: UTC); "
                    + "TALLY_DEFAULT_TIMEZONE sets it when this option is not given")
    String timezone;

    @Option(names = "--hot-properties", paramLabel = "KEY", split = ",",
            description = "Event property keys the embedded DuckDB store keeps as columns of their own, e.g. plan,country: "
                    + "breakdowns and filters on them skip parsing each event's JSON. A key added later is filled for the "
                    + "stored events at start; a key left out loses its column. At most 16. Not used with --store clickhouse")
    List<String> hotProperties = List.of();

    /** The roles this process runs; an {@link IllegalArgumentException} names a wrong option. */
    abstract Set<Role> roles();

    /** The command's name in messages, e.g. {@code tally loader}. */
    abstract String commandName();

    @Override
    public Integer call() {
        ServerSettings settings;
        Set<Role> roles;
        try {
            roles = roles();
            settings = ServerSettings.defaults(dataDir)
                    .withPort(port)
                    .withHost(host)
                    .withRoles(roles)
                    .withKafka(kafka)
                    .withKeys(System.getenv("TALLY_DEFAULT_WRITE_KEY"), System.getenv("TALLY_DEFAULT_READ_KEY"))
                    .withTimezone(defaultTimezone())
                    .withCollector(io.tally.collector.CollectorSettings.defaults().withLimits(maxEventBytes, maxBodyBytes))
                    .withLoader(LoaderSettings.defaults().withMaxBatchDelay(loaderBatchDelay).withMaxBatchEvents(loaderBatchEvents))
                    .withPartitions(partitions)
                    .withClickHouse(clickHouse())
                    .withRetention(retentionSettings())
                    .withQueryCacheMaxAge(queryCacheMaxAge)
                    .withSchemas(new SchemaSettings(schemasDir, System.getenv("TALLY_ADMIN_KEY")))
                    .withHotProperties(hotProperties);
        } catch (IllegalArgumentException e) {
            System.err.println(commandName() + ": " + e.getMessage());
            return 2;
        }
        long start = System.nanoTime();
        System.out.println("Starting Tally (roles " + Role.names(roles) + ", store " + store + ", data in " + dataDir.toAbsolutePath().normalize()
                + (kafka == null ? ", embedded Kafka" : ", Kafka at " + kafka) + ")...");
        TallyServer server;
        try {
            server = TallyServer.start(settings);
        } catch (RuntimeException e) {
            System.err.println(commandName() + ": could not start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Tally...");
            server.close();
            System.out.println("Stopped.");
            stopped.countDown();
        }, "tally-shutdown"));
        printWelcome(server, roles, (System.nanoTime() - start) / 1_000_000);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** --timezone, else TALLY_DEFAULT_TIMEZONE, else null: the zone stored in the data directory stays. */
    private ZoneId defaultTimezone() {
        if (timezone != null) {
            return DefaultProject.zone("--timezone", timezone);
        }
        String fromEnvironment = System.getenv("TALLY_DEFAULT_TIMEZONE");
        return fromEnvironment == null ? null : DefaultProject.zone("TALLY_DEFAULT_TIMEZONE", fromEnvironment);
    }

    private RetentionSettings retentionSettings() {
        Map<String, Retention> byProject = new LinkedHashMap<>();
        projectRetention.forEach((project, text) -> byProject.put(project, parseRetention("--project-retention " + project, text)));
        boolean given = retention != null || !byProject.isEmpty();
        Retention defaults = retention == null ? Retention.DEFAULT : parseRetention("--retention", retention);
        return new RetentionSettings(new RetentionPolicy(defaults, byProject), given, retentionCheckInterval);
    }

    private static Retention parseRetention(String option, String text) {
        try {
            return Retention.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    private ClickHouseSettings clickHouse() {
        return switch (store) {
            case "duckdb" -> null;
            case "clickhouse" -> {
                String password = System.getenv("TALLY_CLICKHOUSE_PASSWORD");
                yield ClickHouseSettings.of(clickhouseUrl, clickhouseDatabase)
                        .withCredentials(clickhouseUser, password == null ? "" : password)
                        .withCluster(clickhouseCluster);
            }
            default -> throw new IllegalArgumentException("--store must be duckdb or clickhouse, was '" + store + "'");
        };
    }

    /** What to do next, for the roles this process runs: a loader alone has nothing to curl. */
    private void printWelcome(TallyServer server, Set<Role> roles, long startMillis) {
        var p = server.defaultProject();
        String url = server.url();
        StringBuilder text = new StringBuilder();
        text.append(String.format("%nTally is running at %s (%s; started in %d ms)%n", url, Role.names(roles), startMillis));
        text.append(String.format("  project     %s%n", p.id()));
        if (roles.contains(Role.COLLECTOR)) {
            text.append(String.format("  write key   %s   (for sending events)%n", p.writeKey()));
            text.append(String.format("  admin key   %s   (tracking plans and replays; keep it secret)%n", server.adminKey()));
        }
        if (roles.contains(Role.QUERY)) {
            text.append(String.format("  read key    %s   (for queries; keep it secret)%n", p.readKey()));
            text.append(String.format("  timezone    %s   (for queries that name none; --timezone changes it)%n", p.timezone().getId()));
        }
        text.append(String.format("  health      %s/health    metrics %s/metrics%n", url, url));
        text.append(String.format("  kafka       %s%s%n", server.kafkaBootstrapServers(), kafka == null ? " (embedded)" : ""));
        if (roles.contains(Role.COLLECTOR)) {
            text.append(String.format("""

                    Send an event:
                      curl -u %s: -H 'Content-Type: application/json' \\
                        -d '{"userId":"user-1","event":"signup","properties":{"plan":"pro"}}' %s/v1/track
                    """, p.writeKey(), url));
        }
        if (roles.contains(Role.QUERY)) {
            text.append(String.format("""

                    Count it:
                      curl -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \\
                        -d '{"kind":"trends","series":[{"event":"signup","math":"total"}],"interval":"day","dateFrom":"-7d"}' \\
                        %s/v1/projects/%s/query
                    """, p.readKey(), url, p.id()));
        }
        text.append(String.format("%nPress Ctrl-C to stop; data is kept in %s.%n%n", dataDir.toAbsolutePath().normalize()));
        System.out.print(text);
        System.out.flush();
    }
}
