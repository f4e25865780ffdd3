package io.tally.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tally.api.GraphQlRoutes;
import io.tally.api.QueryRoutes;
import io.tally.api.RejectedRoutes;
import io.tally.collector.IngestService;
import io.tally.collector.RejectedReplay;
import io.tally.collector.http.AdminRoutes;
import io.tally.collector.http.BrowserRoutes;
import io.tally.collector.http.CollectorRoutes;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.project.Project;
import io.tally.core.retention.RetentionPolicy;
import io.tally.core.spi.EventLog;
import io.tally.core.spi.EventStore;
import io.tally.core.spi.QueryEngine;
import io.tally.core.spi.RejectedEventQueries;
import io.tally.core.spi.SavedDocuments;
import io.tally.http.ErrorResponses;
import io.tally.kafka.EmbeddedKafkaBroker;
import io.tally.kafka.KafkaConfigLog;
import io.tally.kafka.KafkaEventLog;
import io.tally.kafka.KafkaEventSource;
import io.tally.kafka.KafkaLogEnds;
import io.tally.kafka.KafkaRejectedReader;
import io.tally.kafka.KafkaSettings;
import io.tally.kafka.KafkaTopics;
import io.tally.loader.Loader;
import io.tally.loader.RejectedLoader;
import io.tally.loader.RetentionJob;
import io.tally.loader.RetentionSettings;
import io.tally.loader.SharedRetentionPolicy;
import io.tally.query.IngestionProgress;
import io.tally.query.QueryCache;
import io.tally.query.QueryParser;
import io.tally.query.QueryService;
import io.tally.query.StoredProgress;
import io.tally.schema.PlanDirectory;
import io.tally.schema.TrackingPlans;
import io.tally.store.clickhouse.ClickHouseEventStore;
import io.tally.store.clickhouse.ClickHouseQueryEngine;
import io.tally.store.duckdb.DuckDbEventStore;
import io.tally.store.duckdb.DuckDbQueryEngine;
import io.tally.store.duckdb.DuckDbSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every component a process's roles need, wires them by constructor,
 * and closes them in reverse order. The only class that knows every implementation.
 */
public final class TallyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TallyServer.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ServerSettings settings;
    private final Project defaultProject;
    private final String adminKey;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private volatile Supplier<RetentionPolicy> enforcedRetention;
    /**
     * Routes the roles add besides ingestion and questions: tally.js with CORS (collector); the
     * dashboard and the list of refused events (query).
     */
    private final List<Consumer<RoutesConfig>> moreRoutes = new ArrayList<>();
    private EventLog eventLog;
    private Loader loader;
    private Javalin http;
    private String bootstrapServers;
    private boolean closed;

    private TallyServer(ServerSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        this.defaultProject = DefaultProject.load(settings.dataDir(), settings.writeKey(), settings.readKey(), settings.timezone());
        this.adminKey = AdminKey.load(settings.dataDir(), settings.schemas().adminKey());
    }

    /** Starts every component of the configured roles; on failure, closes what was started and rethrows. */
    public static TallyServer start(ServerSettings settings) {
        TallyServer server = new TallyServer(settings);
        try {
            server.startComponents();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void startComponents() {
        Clock clock = Clock.systemUTC();
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);

        bootstrapServers = settings.kafkaBootstrap();
        if (bootstrapServers == null) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(settings.dataDir(), 0, java.util.Map.of());
            toClose.push(broker);
            bootstrapServers = broker.bootstrapServers();
        }
        KafkaSettings kafka = KafkaSettings.defaults(bootstrapServers)
                .withPartitions(settings.partitions())
                .withInFlightBytes(settings.inFlightBytes())
                .validate();
        KafkaTopics.ensure(kafka);

        var projects = new StaticProjectDirectory(List.of(defaultProject));
        EventStore store = null;
        QueryEngine engine = null;
        if (settings.roles().contains(Role.LOADER) || settings.roles().contains(Role.QUERY)) {
            if (settings.clickhouse() != null) {
                ClickHouseEventStore clickhouse = new ClickHouseEventStore(settings.clickhouse(), clock);
                store = clickhouse;
                engine = new ClickHouseQueryEngine(clickhouse);
            } else {
                // DuckDB lets one process open the file for writing, so loader and query share this one
                DuckDbEventStore duckdb = new DuckDbEventStore(DuckDbSettings.of(settings.dataDir().resolve("tally.duckdb"))
                        .withHotProperties(settings.hotProperties()), clock);
                store = duckdb;
                engine = new DuckDbQueryEngine(duckdb);
            }
            toClose.push(store);
        }
        if (settings.roles().contains(Role.LOADER)) {
            loader = new Loader(new KafkaEventSource(kafka, metrics), store, settings.loader(), clock, metrics);
            toClose.push(loader);
            loader.start();
            RejectedLoader rejectedLoader = new RejectedLoader(new KafkaRejectedReader(kafka, "tally-rejected-loader"), store, metrics);
            toClose.push(rejectedLoader);
            rejectedLoader.start();
            // loaders agree on one policy, kept on the config log: see SharedRetentionPolicy
            SharedRetentionPolicy shared = new SharedRetentionPolicy(new KafkaConfigLog(kafka, Duration.ofSeconds(30)));
            toClose.push(shared);
            if (settings.retention().given()) {
                shared.publish(settings.retention().policy(), Duration.ofSeconds(30));
            }
            RetentionSettings own = settings.retention();
            enforcedRetention = () -> shared.latest().orElse(own.policy());
            RetentionJob retention = new RetentionJob(store, own, enforcedRetention, clock, metrics);
            toClose.push(retention);
            retention.start();
        }
        CollectorRoutes collectorRoutes = null;
        AdminRoutes adminRoutes = null;
        if (settings.roles().contains(Role.COLLECTOR)) {
            eventLog = new KafkaEventLog(kafka, metrics);
            toClose.push(eventLog);
            TrackingPlans plans = new TrackingPlans(new KafkaConfigLog(kafka, Duration.ofSeconds(30)), clock, Duration.ofSeconds(10));
            toClose.push(plans);
            if (settings.schemas().directory() != null) {
                PlanDirectory.load(settings.schemas().directory(), plans).forEach(change -> log.info("tracking plan: {}", change));
            }
            collectorRoutes = new CollectorRoutes(settings.collector(),
                    new IngestService(settings.collector(), eventLog, plans, metrics), projects, clock, metrics);
            RejectedReplay replay = new RejectedReplay(() -> new KafkaRejectedReader(kafka, "tally-replay"), eventLog, plans,
                    settings.collector());
            adminRoutes = new AdminRoutes(plans, replay, projects, adminKey);
            moreRoutes.add(new BrowserRoutes()::addTo);
        }
        QueryRoutes queryRoutes = null;
        GraphQlRoutes graphQlRoutes = null;
        if (settings.roles().contains(Role.QUERY)) {
            QueryCache cache = new QueryCache(settings.queryCacheMaxAge());
            IngestionProgress progress = IngestionProgress.UNKNOWN;
            if (loader == null) {
                // loaders run in other processes: how far they have come is read from the log and the store
                KafkaLogEnds logEnds = new KafkaLogEnds(kafka, "tally-query-progress");
                toClose.push(logEnds);
                StoredProgress stored = new StoredProgress(logEnds::ends, store::positions, clock).start(Duration.ofSeconds(1));
                toClose.push(stored);
                progress = stored;
            } else {
                // in this process the loader knows what is stored: answers can be dropped as soon as they change
                Loader l = loader;
                l.onStored(cache::eventsStored);
                progress = new IngestionProgress() {
                    @Override
                    public java.util.Optional<java.time.Instant> completeUpTo() {
                        return l.completeUpTo();
                    }

                    @Override
                    public long lagEvents() {
                        return l.lag();
                    }
                };
            }
            QueryService service = new QueryService(engine, cache, progress);
            queryRoutes = new QueryRoutes(service, new QueryParser(clock), projects);
            graphQlRoutes = new GraphQlRoutes(service, new QueryParser(clock), projects);
            moreRoutes.add(new RejectedRoutes((RejectedEventQueries) store, projects, clock)::addTo);
            moreRoutes.add(DashboardComponents.routes(service, projects,
                    new MeterIngestionCounters(metrics, settings.roles().contains(Role.COLLECTOR), loader != null),
                    (SavedDocuments) store, clock));
        }
        startHttp(collectorRoutes, adminRoutes, queryRoutes, graphQlRoutes);
    }

    private void startHttp(CollectorRoutes collectorRoutes, AdminRoutes adminRoutes, QueryRoutes queryRoutes, GraphQlRoutes graphQlRoutes) {
        http = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.threadPool = JettyThreads.pool("tally-http", 200);
            if (collectorRoutes != null) {
                collectorRoutes.addTo(config.routes);
                adminRoutes.addTo(config.routes);
            }
            if (queryRoutes != null) {
                queryRoutes.addTo(config.routes);
                graphQlRoutes.addTo(config.routes);
            }
            moreRoutes.forEach(routes -> routes.accept(config.routes));
            config.routes.get("/health", ctx -> {
                ObjectNode health = health();
                ctx.status("ok".equals(health.get("status").asText()) ? 200 : 503)
                        .contentType("application/json").result(health.toString());
            });
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            config.routes.exception(TallyException.class, (e, ctx) -> ErrorResponses.send(ctx, e));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                ErrorResponses.send(ctx, ErrorCode.INTERNAL, "internal error; see the server log", null, null);
            });
            config.routes.error(404, "*", ctx -> {
                String result = ctx.result();
                if (result == null || !result.startsWith("{")) {
                    ErrorResponses.send(ctx, ErrorCode.NOT_FOUND, "no such endpoint: " + ctx.method() + " " + ctx.path(), null, null);
                }
            });
        });
        http.start(settings.host(), settings.port());
        toClose.push(() -> http.stop());
    }

    private ObjectNode health() {
        ObjectNode root = MAPPER.createObjectNode();
        boolean ok = true;
        ObjectNode checks = root.putObject("checks");
        if (eventLog != null) {
            boolean kafkaOk = eventLog.healthy();
            checks.put("kafka", kafkaOk ? "up" : "down");
            ok &= kafkaOk;
        }
        if (loader != null) {
            checks.put("loader", loader.state().name().toLowerCase(java.util.Locale.ROOT));
            checks.put("loaderLag", loader.lag());
            ok &= loader.state() == io.tally.loader.LoaderState.RUNNING;
        }
        root.put("status", ok ? "ok" : "degraded");
        return root;
    }

    public int port() {
        return http.port();
    }

    public String url() {
        String host = settings.host().equals("0.0.0.0") ? "localhost" : settings.host();
        return "http://" + host + ":" + port();
    }

    public Project defaultProject() {
        return defaultProject;
    }

    /** The retention policy this process's loader enforces now; empty without the loader role. */
    Optional<RetentionPolicy> enforcedRetention() {
        return enforcedRetention == null ? Optional.empty() : Optional.of(enforcedRetention.get());
    }

    public String kafkaBootstrapServers() {
        return bootstrapServers;
    }

    /** The key that may change tracking plans and replay dead letters. */
    public String adminKey() {
        return adminKey;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** Stops in reverse start order: HTTP first (no new work), the broker last. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!toClose.isEmpty()) {
            AutoCloseable c = toClose.pop();
            try {
                if (c instanceof Loader l) {
                    l.close(Duration.ofSeconds(30));
                } else {
                    c.close();
                }
            } catch (Exception e) {
                log.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
