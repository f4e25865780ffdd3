package io.tally.bench;

import io.tally.core.event.Event;
import io.tally.core.query.Breakdown;
import io.tally.core.query.CohortType;
import io.tally.core.query.EventMatcher;
import io.tally.core.query.FunnelOrder;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.Interval;
import io.tally.core.query.PropertyRef;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.EventStore;
import io.tally.core.spi.QueryEngine;
import io.tally.query.FunnelQuery;
import io.tally.query.QueryCache;
import io.tally.query.QueryService;
import io.tally.query.RetentionQuery;
import io.tally.store.clickhouse.ClickHouseEventStore;
import io.tally.store.clickhouse.ClickHouseQueryEngine;
import io.tally.store.clickhouse.ClickHouseSettings;
import io.tally.store.duckdb.DuckDbEventStore;
import io.tally.store.duckdb.DuckDbQueryEngine;
import io.tally.store.duckdb.DuckDbSettings;
import io.tally.testing.TestingClickHouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Query latency on generated events, for both stores, each question next to the same question as
 * hand-written SQL run directly on the engine in the same run (our overhead as a ratio), plus the
 * P50 of an answer served from the query cache.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = {"Query latency: a 30-day daily trend with a breakdown, a 4-step 7-day funnel and a 12-week "
                + "retention, on DuckDB and ClickHouse, next to hand-written SQL on the same engine.",
                "Loads the events first (10 million take several minutes on two cores)."})
final class QueryBenchmark implements Callable<Integer> {
    private static final String PROJECT = QueryBenchEvents.PROJECT;
    private static final Instant END = QueryBenchEvents.END;

    @Option(names = "--events", defaultValue = "10000000", description = "Events to generate (default: ${DEFAULT-VALUE})")
    int events;

    @Option(names = "--people", defaultValue = "200000", description = "Distinct people (default: ${DEFAULT-VALUE})")
    int people;

    @Option(names = "--runs", defaultValue = "30", description = "Measured runs per question, after 3 warm-up runs (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--store", defaultValue = "both", description = "duckdb, clickhouse or both (default: ${DEFAULT-VALUE})")
    String store;

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", description = "Keep the stores' data in this directory and reuse it in later runs with the same --events and "
            + "--people (a 10 M load takes minutes). Without it, a temporary directory is used and deleted.")
    Path dataDir;

    @Option(names = "--hot-properties", split = ",", paramLabel = "KEY",
            description = "Event properties the DuckDB store keeps as columns (Tally's --hot-properties), e.g. plan; the "
                    + "hand-written SQL reads the same column. Default: none, every property is read from the JSON")
    List<String> hotProperties = List.of();

    @Option(names = "--order", defaultValue = "time",
            description = "Order the events are loaded in: time (as they would arrive) or random (every batch spans all 91 days;"
                    + " the order of runs before 2026-11-29). The same events either way (default: ${DEFAULT-VALUE})")
    String orderName;
    private QueryBenchEvents.Order order;

    @Option(names = "--questions", defaultValue = "trend,funnel,retention", split = ",",
            description = "Which questions to time: trend, funnel, retention (default: ${DEFAULT-VALUE})")
    List<String> questions;

    @Override
    public Integer call() throws Exception {
        for (String question : questions) {
            if (!List.of("trend", "funnel", "retention").contains(question)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--questions: unknown question '" + question
                        + "'; trend, funnel or retention");
            }
        }
        order = switch (orderName) {
            case "time" -> QueryBenchEvents.Order.TIME;
            case "random" -> QueryBenchEvents.Order.RANDOM;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--order: unknown order '" + orderName + "'; time or random");
        };
        Path dir = dataDir != null ? Files.createDirectories(dataDir) : Files.createTempDirectory("tally-query-bench");
        boolean duck = !store.equals("clickhouse");
        boolean click = !store.equals("duckdb");
        try (DuckDbEventStore duckStore = duck ? new DuckDbEventStore(DuckDbSettings.of(dir.resolve("bench.duckdb")).withHotProperties(hotProperties), Clock.systemUTC()) : null;
             TestingClickHouse server = click ? TestingClickHouse.start(Files.createDirectories(dir.resolve("clickhouse"))) : null;
             ClickHouseEventStore clickStore = click ? new ClickHouseEventStore(ClickHouseSettings.of(server.httpUrl(), "bench"), Clock.systemUTC()) : null) {
            // a kept store is reused as it is; one run fills each store with the same generated events
            EventStore duckToLoad = toLoad(duckStore, dir);
            EventStore clickToLoad = toLoad(clickStore, dir);
            load(duckToLoad, clickToLoad);
            if (duckToLoad != null || clickToLoad != null) {
                Files.writeString(dir.resolve(LOADED), loadDescription());
            }
            System.out.printf("%n| store | question | Tally P50 | Tally P99 | hand-written SQL P50 | P99 | overhead (P50 ratio) | cached P50 | same answer |%n");
            System.out.printf("|---|---|---|---|---|---|---|---|---|%n");
            if (duck) {
                measureAll("duckdb", new DuckDbQueryEngine(duckStore), new HandWrittenSql.DuckDb(duckStore));
            }
            if (click) {
                server.restart();
                measureAll("clickhouse", new ClickHouseQueryEngine(clickStore), new HandWrittenSql.ClickHouse(new ClickHouseClient(server.httpUrl()), "bench"));
            }
        } finally {
            if (dataDir == null) {
                TempDirectories.deleteQuietly(dir);
            }
        }
        return 0;
    }

    // ---- the questions ----

    static TrendSpec trend() {
        return new TrendSpec(PROJECT, "page_viewed", SeriesMath.TOTAL, null, List.of(), new Breakdown(new PropertyRef.EventProperty("plan"), 5),
                Interval.DAY, ZoneOffset.UTC, END.minus(Duration.ofDays(30)), END);
    }

    static FunnelSpec funnel() {
        return new FunnelSpec(PROJECT, List.of(EventMatcher.named("page_viewed"), EventMatcher.named("signup"),
                EventMatcher.named("checkout_started"), EventMatcher.named("purchase")), Duration.ofDays(7), FunnelOrder.ORDERED,
                List.of(), List.of(), null, END.minus(Duration.ofDays(30)), END);
    }

    static RetentionSpec retention() {
        // 12 Monday weeks; 2026-08-03 is a Monday
        return new RetentionSpec(PROJECT, EventMatcher.named("signup"), EventMatcher.named("login"), Interval.WEEK, 11,
                CohortType.FIRST_TIME, List.of(), ZoneOffset.UTC, Instant.parse("2026-08-03T00:00:00Z"), Instant.parse("2026-10-26T00:00:00Z"));
    }

    /** Names what a finished load put into {@code --data-dir}, so that a later run reuses only that. */
    private static final String LOADED = "loaded.txt";

    /** What a load put into {@code --data-dir}; loads in random order wrote no order, as before the option. */
    private String loadDescription() {
        return "events=" + events + " people=" + people + (order == QueryBenchEvents.Order.TIME ? " order=time" : "") + "\n";
    }

    /**
     * The store if it must be filled; null if it holds this run's events already. A store holding events
     * of an interrupted load, or of another --events/--people, would give numbers for other data.
     */
    private EventStore toLoad(EventStore store, Path dir) throws IOException {
        if (store == null || store.countEvents(PROJECT) == 0) {
            return store;
        }
        Path loaded = dir.resolve(LOADED);
        if (Files.exists(loaded) && Files.readString(loaded).equals(loadDescription())) {
            System.out.println("reusing the " + store.name() + " events in " + dir + " (" + loadDescription().trim() + ")");
            return null;
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "--data-dir " + dir + " holds " + store.name() + " events of an unfinished load or of other --events/"
                + "--people/--order; delete the directory or choose another");
    }

    private void measureAll(String storeName, QueryEngine engine, HandWrittenSql.Baselines baselines) {
        QueryService cached = new QueryService(engine, new QueryCache(Duration.ofMinutes(5)), io.tally.query.IngestionProgress.UNKNOWN);
        if (questions.contains("trend")) {
            row(storeName, "30-day daily trend, breakdown by plan (top 5)", () -> Answers.trendOf(engine.trend(trend())), baselines::trend,
                    () -> cached.trends(PROJECT, new io.tally.query.TrendsQuery(List.of(new io.tally.query.TrendsQuery.Series("page_viewed", SeriesMath.TOTAL, null)),
                            Interval.DAY, trend().from(), trend().to(), ZoneOffset.UTC, List.of(), trend().breakdown(), false)));
        }
        if (questions.contains("funnel")) {
            row(storeName, "4-step funnel, 7-day window, 30 days", () -> Answers.funnel(engine.funnel(funnel()).get(QueryEngine.NO_BREAKDOWN)), baselines::funnel,
                    () -> cached.funnel(new FunnelQuery(funnel(), ZoneOffset.UTC)));
        }
        if (questions.contains("retention")) {
            row(storeName, "12-week retention, first time", () -> Answers.retention(engine.retention(retention())), baselines::retention,
                    () -> cached.retention(new RetentionQuery(retention())));
        }
    }

    /**
     * Times Tally, the hand-written SQL and the cache on one question, after checking that Tally and the
     * SQL give the same answer: a baseline that answers another question says nothing about overhead.
     */
    private void row(String storeName, String question, Supplier<String> tally, Supplier<String> handWritten, Supplier<?> viaCache) {
        System.out.printf("  %s: %s ...%n", storeName, question);
        String ours = tally.get();
        String theirs = handWritten.get();
        boolean same = ours.equals(theirs);
        if (!same) {
            System.out.println("  the hand-written SQL's answer differs from Tally's:\n" + HandWrittenSql.describeDifference(ours, theirs));
        }
        List<Double> oursTimes = time(tally::get);
        List<Double> theirTimes = time(handWritten::get);
        List<Double> cachedTimes = time(viaCache::get);
        double p50 = Stats.percentile(oursTimes, 50);
        double baseP50 = Stats.percentile(theirTimes, 50);
        System.out.printf("| %s | %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.2f | %.3f ms | %s |%n", storeName, question, p50,
                Stats.percentile(oursTimes, 99), baseP50, Stats.percentile(theirTimes, 99), p50 / baseP50, Stats.percentile(cachedTimes, 50),
                same ? "yes" : "**no**");
    }

    private List<Double> time(Runnable action) {
        for (int i = 0; i < 3; i++) {
            action.run();
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            action.run();
            millis.add((System.nanoTime() - start) / 1e6);
        }
        return millis;
    }

    // ---- the events ----

    /** Fills the stores that need it with the same events, in batches of 100,000; see {@link QueryBenchEvents}. */
    private void load(EventStore duck, EventStore click) {
        if (duck == null && click == null) {
            return;
        }
        System.out.printf("drawing %,d events of %,d people, to be loaded in %s order...%n", events, people, order.name().toLowerCase(Locale.ROOT));
        QueryBenchEvents generated = QueryBenchEvents.draw(events, people);
        int batchSize = 100_000;
        long started = System.nanoTime();
        List<Event> batch = new ArrayList<>(batchSize);
        long[] done = {0};
        generated.emit(order, event -> {
            batch.add(event);
            if (batch.size() >= batchSize) {
                done[0] += batch.size();
                write(duck, click, batch, done[0], started);
                batch.clear();
            }
        });
        done[0] += batch.size();
        write(duck, click, batch, done[0], started);
    }

    private static void write(EventStore duck, EventStore click, List<Event> batch, long done, long started) {
        if (batch.isEmpty()) {
            return;
        }
        if (duck != null) {
            duck.write(List.copyOf(batch), Map.of());
        }
        if (click != null) {
            click.write(List.copyOf(batch), Map.of());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("  loaded %,d events in %.0f s%n", done, seconds);
    }
}
