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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
        try (DuckDbEventStore duckStore = duck ? new DuckDbEventStore(DuckDbSettings.of(dir.resolve("bench.duckdb")), Clock.systemUTC()) : null;
             TestingClickHouse server = click ? TestingClickHouse.start(Files.createDirectories(dir.resolve("clickhouse"))) : null;
             ClickHouseEventStore clickStore = click ? new ClickHouseEventStore(ClickHouseSettings.of(server.httpUrl(), "bench"), Clock.systemUTC()) : null) {
            // a kept store is reused as it is; one run fills each store with the same generated events
            EventStore duckToLoad = toLoad(duckStore, dir);
            EventStore clickToLoad = toLoad(clickStore, dir);
            load(duckToLoad, clickToLoad);
            if (duckToLoad != null || clickToLoad != null) {
                Files.writeString(dir.resolve(LOADED), loadDescription());
            }
            System.out.printf("%n| store | question | Tally P50 | Tally P99 | hand-written SQL P50 | P99 | overhead (P50 ratio) | cached P50 |%n");
            System.out.printf("|---|---|---|---|---|---|---|---|%n");
            if (duck) {
                measureAll("duckdb", new DuckDbQueryEngine(duckStore), new DuckDbBaselines(duckStore));
            }
            if (click) {
                server.restart();
                measureAll("clickhouse", new ClickHouseQueryEngine(clickStore), new ClickHouseBaselines(new ClickHouseClient(server.httpUrl()), "bench"));
            }
        } finally {
            if (dataDir == null) {
                deleteRecursively(dir);
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

    private void measureAll(String storeName, QueryEngine engine, Baselines baselines) {
        QueryService cached = new QueryService(engine, new QueryCache(Duration.ofMinutes(5)), io.tally.query.IngestionProgress.UNKNOWN);
        if (questions.contains("trend")) {
            row(storeName, "30-day daily trend, breakdown by plan (top 5)", () -> engine.trend(trend()), baselines::trend,
                    () -> cached.trends(PROJECT, new io.tally.query.TrendsQuery(List.of(new io.tally.query.TrendsQuery.Series("page_viewed", SeriesMath.TOTAL, null)),
                            Interval.DAY, trend().from(), trend().to(), ZoneOffset.UTC, List.of(), trend().breakdown(), false)));
        }
        if (questions.contains("funnel")) {
            row(storeName, "4-step funnel, 7-day window, 30 days", () -> engine.funnel(funnel()), baselines::funnel,
                    () -> cached.funnel(new FunnelQuery(funnel(), ZoneOffset.UTC)));
        }
        if (questions.contains("retention")) {
            row(storeName, "12-week retention, first time", () -> engine.retention(retention()), baselines::retention,
                    () -> cached.retention(new RetentionQuery(retention())));
        }
    }

    private void row(String storeName, String question, Supplier<?> tally, Runnable handWritten, Supplier<?> viaCache) {
        System.out.printf("  %s: %s ...%n", storeName, question);
        List<Double> ours = time(tally::get);
        List<Double> theirs = time(handWritten);
        List<Double> cachedTimes = time(viaCache::get);
        double p50 = Stats.percentile(ours, 50);
        double baseP50 = Stats.percentile(theirs, 50);
        System.out.printf("| %s | %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.2f | %.3f ms |%n", storeName, question, p50,
                Stats.percentile(ours, 99), baseP50, Stats.percentile(theirs, 99), p50 / baseP50, Stats.percentile(cachedTimes, 50));
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

    // ---- hand-written SQL ----

    private interface Baselines {
        void trend();

        void funnel();

        void retention();
    }

    /**
     * The same questions as a person would write them for DuckDB, on Tally's tables: the events, and the
     * identity links DuckDB keeps next to them (a log, read as its earliest link per anonymous id). The link is joined on the anonymous id alone (coalesce
     * prefers the event's own userId anyway): with
     * {@code e.user_id IS NULL} in the ON clause DuckDB 1.4 gives up the hash join for a nested loop,
     * and the funnel took minutes.
     */
    private record DuckDbBaselines(DuckDbEventStore store) implements Baselines {
        private static final String FROM30 = "TIMESTAMP '2026-10-02 00:00:00'";
        private static final String TO = "TIMESTAMP '2026-11-01 00:00:00'";

        @Override
        public void trend() {
            run("""
                    WITH e AS (SELECT date_trunc('day', timestamp) AS d, coalesce(json_extract_string(properties, '$.plan'), '$none') AS v
                               FROM events WHERE project = 'bench' AND event = 'page_viewed' AND timestamp >= %1$s AND timestamp < %2$s),
                         top AS (SELECT v FROM e GROUP BY v ORDER BY count(*) DESC, v LIMIT 5)
                    SELECT d, CASE WHEN v IN (SELECT v FROM top) THEN v ELSE '$other' END AS b, count(*) FROM e GROUP BY d, b""".formatted(FROM30, TO));
        }

        @Override
        public void funnel() {
            run("""
                    WITH links AS (SELECT anon AS anonymous_id, arg_min(uid, {t: linked_at, u: uid}) AS user_id FROM person_links
                                   WHERE project = 'bench' GROUP BY anon),
                         s AS (SELECT coalesce(e.user_id, l.user_id, e.anonymous_id) AS person, e.timestamp AS t, e.event
                               FROM events e LEFT JOIN links l ON l.anonymous_id = e.anonymous_id
                               WHERE e.project = 'bench' AND e.event IN ('page_viewed', 'signup', 'checkout_started', 'purchase')
                                 AND e.timestamp >= %1$s AND e.timestamp <= %2$s + INTERVAL 7 DAY),
                         f1 AS (SELECT person, min(t) AS t1 FROM s WHERE event = 'page_viewed' AND t < %2$s GROUP BY person),
                         f2 AS (SELECT f1.person, f1.t1, min(s.t) AS t2 FROM f1 JOIN s ON s.person = f1.person AND s.event = 'signup'
                                AND s.t > f1.t1 AND s.t <= f1.t1 + INTERVAL 7 DAY GROUP BY f1.person, f1.t1),
                         f3 AS (SELECT f2.person, f2.t1, min(s.t) AS t3 FROM f2 JOIN s ON s.person = f2.person AND s.event = 'checkout_started'
                                AND s.t > f2.t2 AND s.t <= f2.t1 + INTERVAL 7 DAY GROUP BY f2.person, f2.t1),
                         f4 AS (SELECT f3.person FROM f3 JOIN s ON s.person = f3.person AND s.event = 'purchase'
                                AND s.t > f3.t3 AND s.t <= f3.t1 + INTERVAL 7 DAY GROUP BY f3.person)
                    SELECT (SELECT count(*) FROM f1), (SELECT count(*) FROM f2), (SELECT count(*) FROM f3), (SELECT count(*) FROM f4)""".formatted(FROM30, TO));
        }

        @Override
        public void retention() {
            run("""
                    WITH links AS (SELECT anon AS anonymous_id, arg_min(uid, {t: linked_at, u: uid}) AS user_id FROM person_links
                                   WHERE project = 'bench' GROUP BY anon),
                         s AS (SELECT coalesce(e.user_id, l.user_id, e.anonymous_id) AS person, e.timestamp AS t, e.event
                               FROM events e LEFT JOIN links l ON l.anonymous_id = e.anonymous_id
                               WHERE e.project = 'bench' AND e.event IN ('signup', 'login')),
                         firsts AS (SELECT person, min(t) AS t0 FROM s WHERE event = 'signup' GROUP BY person),
                         cohort AS (SELECT person, t0, date_trunc('week', t0) AS w FROM firsts
                                    WHERE t0 >= TIMESTAMP '2026-08-03 00:00:00' AND t0 < TIMESTAMP '2026-10-26 00:00:00'),
                         back AS (SELECT DISTINCT c.person, c.w, date_diff('week', c.w, date_trunc('week', s.t)) AS k
                                  FROM cohort c JOIN s ON s.person = c.person AND s.event = 'login'
                                  AND s.t >= c.w AND (date_trunc('week', s.t) > c.w OR s.t >= c.t0))
                    SELECT w, k, count(*) FROM back WHERE k <= 11 GROUP BY w, k""");
        }

        private void run(String sql) {
            try (Connection c = store.openReader(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    rs.getObject(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("hand-written DuckDB SQL failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * The same questions as a person would write them for ClickHouse 18.16, on Tally's table. The
     * linked user is named {@code linked_user}: named {@code user_id}, the alias shadows the column in
     * the subquery's own WHERE and 18.16 refuses the query (an aggregate function in WHERE).
     */
    private record ClickHouseBaselines(ClickHouseClient client, String database) implements Baselines {
        private static final String RANGE30 = "timestamp >= toDateTime('2026-10-02 00:00:00', 'UTC') AND timestamp < toDateTime('2026-11-01 00:00:00', 'UTC')";

        @Override
        public void trend() {
            client.select("""
                    SELECT toStartOfDay(timestamp, 'UTC') AS d,
                           if(has((SELECT groupArray(v) FROM (SELECT plan AS v FROM (SELECT ifNull(nullIf(properties.value[indexOf(properties.key, 'plan')], ''), '$none') AS plan
                                 FROM %1$s.events WHERE project = 'bench' AND event = 'page_viewed' AND %2$s) GROUP BY v ORDER BY count() DESC, v LIMIT 5)), plan), plan, '$other') AS b,
                           count()
                    FROM (SELECT timestamp, ifNull(nullIf(properties.value[indexOf(properties.key, 'plan')], ''), '$none') AS plan
                          FROM %1$s.events FINAL WHERE project = 'bench' AND event = 'page_viewed' AND %2$s)
                    GROUP BY d, b""".formatted(database, RANGE30));
        }

        @Override
        public void funnel() {
            client.select("""
                    SELECT level, count() FROM (
                      SELECT person, windowFunnel(604800)(timestamp, event = 'page_viewed', event = 'signup', event = 'checkout_started', event = 'purchase') AS level
                      FROM (SELECT ifNull(user_id, ifNull(linked_user, anonymous_id)) AS person, timestamp, event
                            FROM %1$s.events ANY LEFT JOIN (SELECT anonymous_id, argMin(user_id, timestamp) AS linked_user FROM %1$s.events
                                                           WHERE project = 'bench' AND isNotNull(user_id) AND isNotNull(anonymous_id) GROUP BY anonymous_id) AS l
                                 USING anonymous_id
                            WHERE project = 'bench' AND event IN ('page_viewed', 'signup', 'checkout_started', 'purchase')
                              AND timestamp >= toDateTime('2026-10-02 00:00:00', 'UTC') AND timestamp < toDateTime('2026-11-08 00:00:00', 'UTC'))
                      GROUP BY person)
                    GROUP BY level""".formatted(database));
        }

        @Override
        public void retention() {
            client.select("""
                    SELECT w, k, count() FROM (
                      SELECT w, arrayJoin(arrayDistinct(weeks)) - intDiv(toRelativeDayNum(w), 7) AS k FROM (
                        SELECT person, toMonday(min(if(event = 'signup', timestamp, toDateTime('2100-01-01 00:00:00', 'UTC'))), 'UTC') AS w,
                               groupArrayIf(intDiv(toRelativeDayNum(toMonday(timestamp, 'UTC')), 7), event = 'login') AS weeks
                        FROM (SELECT ifNull(user_id, ifNull(linked_user, anonymous_id)) AS person, timestamp, event
                              FROM %1$s.events ANY LEFT JOIN (SELECT anonymous_id, argMin(user_id, timestamp) AS linked_user FROM %1$s.events
                                                             WHERE project = 'bench' AND isNotNull(user_id) AND isNotNull(anonymous_id) GROUP BY anonymous_id) AS l
                                   USING anonymous_id
                              WHERE project = 'bench' AND event IN ('signup', 'login'))
                        GROUP BY person
                        HAVING w >= toDate('2026-08-03') AND w < toDate('2026-10-26')))
                    WHERE k BETWEEN 0 AND 11 GROUP BY w, k""".formatted(database));
        }
    }

    private static void deleteRecursively(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a leftover temp directory is harmless
        }
    }
}
