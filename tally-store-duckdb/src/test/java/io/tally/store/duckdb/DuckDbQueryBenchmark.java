package io.tally.store.duckdb;

import io.tally.core.query.Breakdown;
import io.tally.core.query.CohortType;
import io.tally.core.query.EventMatcher;
import io.tally.core.query.Filter;
import io.tally.core.query.FilterOp;
import io.tally.core.query.FilterValue;
import io.tally.core.query.FunnelOrder;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.Interval;
import io.tally.core.query.PropertyRef;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Times the engine's queries on generated events; run by hand, not part of the test suite:
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -pl tally-store-duckdb -Dmdep.outputFile=cp.txt
 * java -cp "$(cat tally-store-duckdb/cp.txt):tally-store-duckdb/target/classes:tally-store-duckdb/target/test-classes" \
 *     io.tally.store.duckdb.DuckDbQueryBenchmark /tmp/bench.duckdb 365 ordered
 * </pre>
 *
 * Arguments: the DuckDB file (made and filled with 10 M events on first use), the days the events
 * span, and {@code ordered} (rows stored in time order, as live traffic arrives) or {@code shuffled}
 * (in random order, as a bulk import of history may store them). 100,000 users each do a random
 * mix of six events, all identified; the questions cover the last seven days.
 */
final class DuckDbQueryBenchmark {
    private static final String PROJECT = "bench";
    private static final long EVENTS = 10_000_000;
    private static final int RUNS = 11;
    private static final Instant END = Instant.parse("2026-12-01T00:00:00Z");

    private DuckDbQueryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "tally-query-bench.duckdb");
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 365;
        boolean timeOrdered = args.length > 2 && args[2].equals("ordered");
        try (DuckDbEventStore store = new DuckDbEventStore(DuckDbSettings.of(file), Clock.systemUTC())) {
            if (store.countEvents(PROJECT) == 0) {
                generate(store, days, timeOrdered);
            }
            DuckDbQueryEngine engine = new DuckDbQueryEngine(store);
            Instant to = END.minus(Duration.ofDays(7));
            Instant from = to.minus(Duration.ofDays(7));
            ZoneId berlin = ZoneId.of("Europe/Berlin");
            List<EventMatcher> steps = List.of(EventMatcher.named("page_viewed"), EventMatcher.named("signup"),
                    EventMatcher.named("checkout_started"), EventMatcher.named("purchase"));
            for (FunnelOrder order : FunnelOrder.values()) {
                time("funnel " + order.wireName() + ", 4 steps, window P7D", () -> engine.funnel(new FunnelSpec(PROJECT, steps,
                        Duration.ofDays(7), order, List.of(), List.of(), null, from, to)));
            }
            time("funnel ordered, breakdown by plan", () -> engine.funnel(new FunnelSpec(PROJECT, steps, Duration.ofDays(7),
                    FunnelOrder.ORDERED, List.of(), List.of(), new Breakdown(PropertyRef.parse("plan"), 10), from, to)));
            time("retention first_time, daily, 7 periods", () -> engine.retention(new RetentionSpec(PROJECT, EventMatcher.named("signup"),
                    EventMatcher.named("purchase"), Interval.DAY, 7, CohortType.FIRST_TIME, List.of(), berlin, from, to)));
            time("trend total, plain", () -> engine.trend(new TrendSpec(PROJECT, "signup", SeriesMath.TOTAL, Interval.DAY, berlin, from, to)));
            time("trend total, filter plan = pro", () -> engine.trend(new TrendSpec(PROJECT, "signup", SeriesMath.TOTAL, null,
                    List.of(new Filter(PropertyRef.parse("plan"), FilterOp.EQ, List.of(FilterValue.text("pro")))), null, Interval.DAY, berlin,
                    from, to)));
            time("trend p90 of price by plan", () -> engine.trend(new TrendSpec(PROJECT, "signup", SeriesMath.P90, "price", List.of(),
                    new Breakdown(PropertyRef.parse("plan"), 3), Interval.DAY, berlin, from, to)));
        }
    }

    /** Events straight into the table by SQL: the loader's path is not what this measures. */
    private static void generate(DuckDbEventStore store, int days, boolean timeOrdered) throws Exception {
        long started = System.nanoTime();
        String rows = "SELECT ? AS project, 'm' || i AS message_id, 'track' AS type,"
                + " (['page_viewed','signup','checkout_started','purchase','search','video_played'])[1 + (hash(i::VARCHAR || 'e') % 6)::INT] AS event,"
                + " 'user-' || u AS distinct_id, 'user-' || u AS user_id, 'anon-' || u AS anonymous_id,"
                + " ?::TIMESTAMP - to_microseconds((hash(i::VARCHAR || 't') % (?::UBIGINT * 86400000000))::BIGINT) AS timestamp,"
                + " now()::TIMESTAMP AS received_at, NULL AS sent_at, NULL AS original_timestamp, NULL AS name, NULL AS group_id, NULL AS previous_id,"
                + " '{\"plan\":\"' || (['free','pro','team','enterprise'])[1 + (hash(i, 4) % 4)::INT] || '\",\"price\":' || (hash(i, 5) % 10000) / 100.0"
                + " || ',\"sku\":\"SKU-' || (hash(i, 7) % 50000) || '\"}' AS properties, '{}' AS traits,"
                + " '{\"library\":{\"name\":\"analytics.js\"},\"page\":{\"path\":\"/products/' || (hash(i, 9) % 5000) || '\"}}' AS context,"
                + " NULL AS ip, NULL AS user_agent, now()::TIMESTAMP AS loaded_at"
                + " FROM (SELECT i, (hash(i::VARCHAR || 'u') % 100000)::INT AS u FROM range(?) t(i))";
        String sql = "INSERT INTO events SELECT * FROM (" + rows + ")" + (timeOrdered ? " ORDER BY timestamp" : "");
        try (Connection c = store.openReader(); PreparedStatement insert = c.prepareStatement(sql)) {
            insert.setString(1, PROJECT);
            insert.setObject(2, DuckDbEventStore.utc(END));
            insert.setLong(3, days);
            insert.setLong(4, EVENTS);
            insert.executeUpdate();
        }
        System.out.printf("generated %,d events over %d days (%s) in %.0f s%n", EVENTS, days, timeOrdered ? "time order" : "random order",
                (System.nanoTime() - started) / 1e9);
    }

    private static void time(String label, Supplier<?> query) {
        double[] millis = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long started = System.nanoTime();
            query.get();
            millis[i] = (System.nanoTime() - started) / 1e6;
        }
        // the first run warms the JIT and DuckDB's buffers; it is left out of the percentiles
        double[] warm = Arrays.copyOfRange(millis, 1, RUNS);
        Arrays.sort(warm);
        System.out.printf("%-45s p50 %6.0f ms   min %6.0f ms   max %6.0f ms%n", label, warm[warm.length / 2], warm[0], warm[warm.length - 1]);
    }
}
