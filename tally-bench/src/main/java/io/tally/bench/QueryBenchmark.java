package io.tally.bench;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
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
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
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
    private static final String PROJECT = "bench";
    private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant START = END.minus(Duration.ofDays(91));
    private static final String[] PLANS = {"free", "pro", "team", "enterprise", "trial", "student", "nonprofit"};

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

    private String loadDescription() {
        return "events=" + events + " people=" + people + "\n";
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
                + "--people; delete the directory or choose another");
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

    /**
     * People act over 91 days: page views mostly, then signups, checkouts, purchases and logins. Seven in
     * ten log in at some point; before that their events carry only an anonymous id, and an identify
     * links the two, so people-level questions have real work to do.
     */
    private void load(EventStore duck, EventStore click) {
        if (duck == null && click == null) {
            return;
        }
        SplittableRandom random = new SplittableRandom(42);
        long[] identifiedAt = new long[people];
        for (int p = 0; p < people; p++) {
            identifiedAt[p] = random.nextInt(10) < 7 ? START.getEpochSecond() + random.nextLong(91L * 86_400) : Long.MAX_VALUE;
        }
        int batchSize = 100_000;
        long started = System.nanoTime();
        List<Event> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < events; i++) {
            int person = (int) Math.min(people - 1, Math.abs(random.nextGaussian()) * people / 3);
            long at = START.getEpochSecond() + random.nextLong(91L * 86_400);
            int kind = random.nextInt(100);
            String name = kind < 55 ? "page_viewed" : kind < 63 ? "signup" : kind < 73 ? "checkout_started" : kind < 80 ? "purchase" : "login";
            boolean known = at >= identifiedAt[person];
            Instant ts = Instant.ofEpochSecond(at, random.nextInt(1_000_000) * 1_000L);
            String properties = "{\"plan\":\"" + PLANS[Math.min(PLANS.length - 1, (int) Math.abs(random.nextGaussian() * 2))] + "\""
                    + (name.equals("purchase") ? ",\"price\":" + (random.nextInt(20_000) / 100.0) : "") + "}";
            String context = "{\"page\":{\"path\":\"/p/" + random.nextInt(500) + "\"},\"library\":{\"name\":\"analytics.js\"}}";
            batch.add(event(i, EventType.TRACK, name, known ? "user-" + person : null, "anon-" + person, ts, properties, context));
            if (identifiedAt[person] == at) {
                batch.add(event(-i - 1, EventType.IDENTIFY, "$identify", "user-" + person, "anon-" + person, ts, "{}", "{}"));
            }
            if (batch.size() >= batchSize) {
                write(duck, click, batch, i + 1, started);
                batch = new ArrayList<>(batchSize);
            }
        }
        // the identify of each identified person, at the moment they logged in
        for (int p = 0; p < people; p++) {
            if (identifiedAt[p] != Long.MAX_VALUE) {
                batch.add(event(events + p, EventType.IDENTIFY, "$identify", "user-" + p, "anon-" + p,
                        Instant.ofEpochSecond(identifiedAt[p]), "{}", "{}"));
            }
            if (batch.size() >= batchSize) {
                write(duck, click, batch, events, started);
                batch = new ArrayList<>(batchSize);
            }
        }
        write(duck, click, batch, events, started);
    }

    private static Event event(long n, EventType type, String name, String userId, String anonymousId, Instant ts,
                               String properties, String context) {
        String id = new UUID(0x7a11_0000_0000_4000L, 0x8000_0000_0000_0000L | n).toString();
        return new Event(PROJECT, id, type, name, userId != null ? userId : anonymousId, userId, anonymousId, ts, ts, null, null,
                null, null, null, properties, "{}", context, "10.0.0.1", "bench");
    }

    private static void write(EventStore duck, EventStore click, List<Event> batch, int done, long started) {
        if (batch.isEmpty()) {
            return;
        }
        if (duck != null) {
            duck.write(batch, Map.of());
        }
        if (click != null) {
            click.write(batch, Map.of());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("  loaded %,d events in %.0f s%n", done, seconds);
    }
}
