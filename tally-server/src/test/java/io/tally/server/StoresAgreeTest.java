package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.event.Event;
import io.tally.core.query.Interval;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.QueryEngine;
import io.tally.store.clickhouse.ClickHouseEventStore;
import io.tally.store.clickhouse.ClickHouseQueryEngine;
import io.tally.store.clickhouse.ClickHouseSettings;
import io.tally.store.duckdb.DuckDbEventStore;
import io.tally.store.duckdb.DuckDbQueryEngine;
import io.tally.store.duckdb.DuckDbSettings;
import io.tally.testing.StoreAgreement;
import io.tally.testing.TestEvents;
import io.tally.testing.TestingClickHouse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same generated events, with repeats, timestamp ties and daylight-saving days, loaded into DuckDB
 * and into a real ClickHouse: every question the query layer can ask must come back identical.
 */
class StoresAgreeTest {
    private static final List<String> EVENTS = List.of("signup", "purchase", "page");
    private static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"),
            ZoneId.of("America/New_York"), ZoneId.of("Asia/Kolkata"));

    @TempDir
    Path dir;

    @Test
    void duckDbAndClickHouseGiveIdenticalTrends() {
        List<Event> events = generate(new SplittableRandom(20261128), 6_000);
        try (TestingClickHouse server = TestingClickHouse.start();
             DuckDbEventStore duck = new DuckDbEventStore(DuckDbSettings.of(dir.resolve("agree.duckdb")), Clock.systemUTC());
             ClickHouseEventStore click = new ClickHouseEventStore(
                     ClickHouseSettings.of(server.httpUrl(), "agree").withCredentials(server.user(), server.password()),
                     Clock.systemUTC())) {
            // written in the same uneven batches, repeats included, as a loader would
            for (int from = 0; from < events.size(); from += 777) {
                List<Event> batch = events.subList(from, Math.min(events.size(), from + 777));
                duck.write(batch, Map.of());
                click.write(batch, Map.of());
            }
            assertThat(click.countEvents("p")).isEqualTo(duck.countEvents("p")).isPositive();
            QueryEngine duckQueries = new DuckDbQueryEngine(duck);
            QueryEngine clickQueries = new ClickHouseQueryEngine(click);
            Instant from = Instant.parse("2026-03-20T00:00:00Z");
            Instant to = Instant.parse("2026-04-10T00:00:00Z");
            int compared = 0;
            for (String event : EVENTS) {
                for (ZoneId zone : ZONES) {
                    for (Interval interval : Interval.values()) {
                        for (SeriesMath math : List.of(SeriesMath.TOTAL, SeriesMath.UNIQUE_USERS)) {
                            TrendSpec spec = new TrendSpec("p", event, math, interval, zone, from, to);
                            Map<LocalDateTime, Double> expected = duckQueries.series(spec);
                            assertThat(clickQueries.series(spec)).as(spec.toString()).isEqualTo(expected);
                            compared++;
                        }
                    }
                }
            }
            assertThat(compared).isEqualTo(EVENTS.size() * ZONES.size() * Interval.values().length * 2);
        }
    }

    /**
     * Random streams (identified and anonymous people, aliases, ties, properties of every type) in the
     * same batches into both stores, then random trends with every math, filter and breakdown, funnels
     * of every order with exclusions, and retention of both cohort types.
     */
    @Test
    void duckDbAndClickHouseAgreeOnRandomTrendsFunnelsAndRetention() {
        try (TestingClickHouse server = TestingClickHouse.start();
             DuckDbEventStore duck = new DuckDbEventStore(DuckDbSettings.of(dir.resolve("random.duckdb")), Clock.systemUTC());
             ClickHouseEventStore click = new ClickHouseEventStore(
                     ClickHouseSettings.of(server.httpUrl(), "agree").withCredentials(server.user(), server.password()),
                     Clock.systemUTC())) {
            StoreAgreement agreement = new StoreAgreement(duck, new DuckDbQueryEngine(duck), click, new ClickHouseQueryEngine(click));
            List<String> differences = new ArrayList<>();
            for (long seed = 1; seed <= 8; seed++) {
                differences.addAll(agreement.differences("random" + seed, seed * 7919));
            }
            assertThat(differences).isEmpty();
        }
    }

    /** Events around the March DST changes (US and EU), some sharing a timestamp, some sent twice. */
    private static List<Event> generate(SplittableRandom random, int count) {
        List<Event> events = new ArrayList<>();
        Instant base = Instant.parse("2026-03-20T00:00:00Z");
        for (int i = 0; i < count; i++) {
            Instant at = random.nextInt(10) == 0 && !events.isEmpty()
                    ? events.get(random.nextInt(events.size())).timestamp()
                    : base.plusSeconds(random.nextLong(21L * 24 * 3600));
            events.add(TestEvents.track("p", "m" + i, EVENTS.get(random.nextInt(EVENTS.size())),
                    "user-" + random.nextInt(300), at));
            if (random.nextInt(20) == 0) {
                events.add(events.get(random.nextInt(events.size())));
            }
        }
        return events;
    }
}
