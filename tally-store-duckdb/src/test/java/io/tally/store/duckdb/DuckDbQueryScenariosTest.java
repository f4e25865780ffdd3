package io.tally.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.query.Breakdown;
import io.tally.core.query.Cohort;
import io.tally.core.query.CohortType;
import io.tally.core.query.EventMatcher;
import io.tally.core.query.Filter;
import io.tally.core.query.FilterOp;
import io.tally.core.query.FilterValue;
import io.tally.core.query.FunnelExclusion;
import io.tally.core.query.FunnelOrder;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.query.Interval;
import io.tally.core.query.PropertyRef;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.QueryEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worked examples of docs/queries.md and the rules that are easy to get wrong, each with its
 * numbers written out, against a real DuckDB file. The random comparison with the reference
 * implementation is {@link DuckDbQueryEngineContractTest}.
 */
class DuckDbQueryScenariosTest {
    private static final String P = "p";
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Instant JAN_5 = Instant.parse("2026-01-05T00:00:00Z");
    private static final Instant JAN_12 = Instant.parse("2026-01-12T00:00:00Z");
    private static final LocalDateTime DAY = LocalDateTime.parse("2026-01-05T00:00");
    private static final String EVIL = "\"; DROP TABLE events; --";

    @TempDir
    Path dir;

    private DuckDbEventStore store;
    private QueryEngine engine;
    private final AtomicInteger ids = new AtomicInteger();

    @BeforeEach
    void open() {
        store = new DuckDbEventStore(DuckDbSettings.of(dir.resolve("tally.duckdb")), Clock.systemUTC());
        engine = new DuckDbQueryEngine(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    // ---- time and periods ----

    @Test
    void aBerlinDateIsItsLocalHoursAlsoWithFilters() {
        write(e("a").user("u1").props("{\"plan\":\"pro\"}").at("2026-03-28T22:59:59.999999Z"),
                e("a").user("u1").props("{\"plan\":\"pro\"}").at("2026-03-28T23:00:00Z"),
                e("a").user("u2").props("{\"plan\":\"pro\"}").at("2026-03-29T21:59:59.999999Z"),
                e("a").user("u2").props("{\"plan\":\"pro\"}").at("2026-03-29T22:00:00Z"));
        // "dateFrom 2026-03-29, dateTo 2026-03-29 in Europe/Berlin is the 23 hours from 2026-03-28T23:00Z to 2026-03-29T22:00Z"
        TrendSpec day = trend("a", SeriesMath.TOTAL, null, List.of(eq("plan", "pro")), null, Interval.DAY, BERLIN,
                "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z");
        assertThat(engine.series(day)).containsOnly(Map.entry(LocalDateTime.parse("2026-03-29T00:00"), 2.0));
    }

    @Test
    void theAutumnDayHasTwentyFiveHoursAndItsRepeatedHourIsOneBucket() {
        write(e("a").user("u1").props("{\"n\":1}").at("2026-10-24T22:00:00Z"), // 00:00 CEST on the 25th
                e("a").user("u1").props("{\"n\":1}").at("2026-10-25T00:30:00Z"), // 02:30 CEST
                e("a").user("u2").props("{\"n\":1}").at("2026-10-25T01:30:00Z"), // 02:30 CET, the same local hour again
                e("a").user("u2").props("{\"n\":1}").at("2026-10-25T22:59:59Z"), // 23:59:59 CET, still the 25th
                e("a").user("u3").props("{\"n\":1}").at("2026-10-25T23:00:00Z")); // the 26th
        List<Filter> isSet = List.of(new Filter(PropertyRef.parse("n"), FilterOp.IS_SET, List.of()));
        TrendSpec days = trend("a", SeriesMath.TOTAL, null, isSet, null, Interval.DAY, BERLIN, "2026-10-24T00:00:00Z", "2026-10-27T00:00:00Z");
        assertThat(engine.series(days)).containsOnly(Map.entry(LocalDateTime.parse("2026-10-25T00:00"), 4.0),
                Map.entry(LocalDateTime.parse("2026-10-26T00:00"), 1.0));
        TrendSpec hours = trend("a", SeriesMath.UNIQUE_USERS, null, isSet, null, Interval.HOUR, BERLIN, "2026-10-25T00:00:00Z",
                "2026-10-25T02:00:00Z");
        assertThat(engine.series(hours)).containsOnly(Map.entry(LocalDateTime.parse("2026-10-25T02:00"), 2.0));
    }

    @Test
    void aFixedOffsetZoneNeedsNoIcuName() {
        write(e("a").user("u1").props("{\"n\":1}").at("2026-01-05T18:29:59Z"), e("a").user("u2").props("{\"n\":1}").at("2026-01-05T18:30:00Z"));
        ZoneOffset india = ZoneOffset.ofHoursMinutes(5, 30);
        Map<LocalDateTime, Double> expected = Map.of(LocalDateTime.parse("2026-01-05T00:00"), 1.0, LocalDateTime.parse("2026-01-06T00:00"), 1.0);
        assertThat(engine.series(new TrendSpec(P, "a", SeriesMath.TOTAL, Interval.DAY, india, JAN_5, JAN_12))).isEqualTo(expected);
        assertThat(engine.series(trend("a", SeriesMath.SUM, "n", List.of(), null, Interval.DAY, india, "2026-01-05T00:00:00Z",
                "2026-01-12T00:00:00Z"))).isEqualTo(expected);
    }

    // ---- numeric math and numbers as written ----

    @Test
    void quantilesTakeTheIndexFloorOfQTimesN() {
        List<Event> events = new ArrayList<>();
        for (String amount : List.of("4", "2", "\"3\"", "1", "\"many\"", "null", "true", "{\"x\":1}")) {
            events.add(e("a").user("u1").props("{\"amount\":" + amount + "}").at("2026-01-05T10:00:00Z"));
        }
        for (int i = 1; i <= 10; i++) {
            events.add(e("ten").user("u1").props("{\"amount\":" + i + "}").at("2026-01-05T10:00:00Z"));
        }
        write(events);
        // "for p50 of 1, 2, 3, 4 that is 3"; the numeric string "3" is a number, the rest is skipped
        assertThat(math("a", SeriesMath.P50)).isEqualTo(3.0);
        assertThat(math("a", SeriesMath.P90)).isEqualTo(4.0);
        assertThat(math("a", SeriesMath.P99)).isEqualTo(4.0);
        assertThat(math("a", SeriesMath.SUM)).isEqualTo(10.0);
        assertThat(math("a", SeriesMath.AVG)).isEqualTo(2.5);
        assertThat(math("a", SeriesMath.MIN)).isEqualTo(1.0);
        assertThat(math("a", SeriesMath.MAX)).isEqualTo(4.0);
        // of 1..10, p50 is at index 5 and p90 at index 9 (quantile_disc would say 5 and 9, quantile_cont 5.5 and 9.1)
        assertThat(math("ten", SeriesMath.P50)).isEqualTo(6.0);
        assertThat(math("ten", SeriesMath.P90)).isEqualTo(10.0);
        assertThat(math("ten", SeriesMath.P99)).isEqualTo(10.0);
    }

    @Test
    void aBucketWithoutNumbersHasNoValue() {
        write(e("a").user("u1").props("{\"amount\":\"n/a\"}").at("2026-01-05T10:00:00Z"));
        assertThat(engine.series(trend("a", SeriesMath.SUM, "amount", List.of(), null, Interval.DAY, ZoneOffset.UTC,
                "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z")).getOrDefault(DAY, 0.0)).isZero();
    }

    @Test
    void numbersCompareAsWrittenAndByValue() {
        write(e("b").user("u1").props("{\"price\":9.50,\"nested\":{\"price\":1.50}}").at("2026-01-05T10:00:00Z"),
                e("b").user("u2").props("{\"price\":1e3}").at("2026-01-05T11:00:00Z"),
                e("b").user("u3").props("{\"price\":\"9.50\"}").at("2026-01-05T12:00:00Z"));
        // "A JSON number value compares numerically (9.5 equals 9.50); anything else compares as text"
        assertThat(countB(eq("price", FilterValue.number("9.5")))).isEqualTo(2.0);
        assertThat(countB(eq("price", "9.50"))).isEqualTo(2.0);
        assertThat(countB(eq("price", "9.5"))).isZero();
        assertThat(countB(eq("price", "1e3"))).isEqualTo(1.0);
        assertThat(countB(new Filter(PropertyRef.parse("price"), FilterOp.CONTAINS, List.of(FilterValue.text("50")))))
                .isEqualTo(2.0);
        assertThat(countB(new Filter(PropertyRef.parse("price"), FilterOp.GT, List.of(FilterValue.number("999"))))).isEqualTo(1.0);
        // the breakdown value is the text as written too
        TrendSpec byPrice = trend("b", SeriesMath.TOTAL, null, List.of(), new Breakdown(PropertyRef.parse("price"), 10), Interval.DAY,
                ZoneOffset.UTC, "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z");
        assertThat(engine.trend(byPrice)).containsOnly(Map.entry("9.50", Map.of(DAY, 2.0)), Map.entry("1e3", Map.of(DAY, 1.0)));
    }

    // ---- breakdowns ----

    @Test
    void breakdownKeepsTheBiggestValuesTiesBySmallerTextAndGathersTheRest() {
        write(plan("b", "u1"), plan("b", "u2"), plan("a", "u1"), plan("c", "u1"), plan("c", "u3"), plan(null, "u4"), plan("d", "u1"));
        // b and c have 2 events; a, d and $none 1 each
        assertThat(engine.trend(byPlan(SeriesMath.TOTAL, 2)))
                .containsOnly(Map.entry("b", Map.of(DAY, 2.0)), Map.entry("c", Map.of(DAY, 2.0)), Map.entry(Breakdown.OTHER, Map.of(DAY, 3.0)));
        // $other's distinct ids are counted over its events together: u1 (a, d) and u4, not 1 + 1 + 1
        assertThat(engine.trend(byPlan(SeriesMath.UNIQUE_USERS, 2)).get(Breakdown.OTHER)).containsOnly(Map.entry(DAY, 2.0));
        // "ties: smaller text first": $none before a and d
        assertThat(engine.trend(byPlan(SeriesMath.TOTAL, 3))).containsOnly(Map.entry("b", Map.of(DAY, 2.0)), Map.entry("c", Map.of(DAY, 2.0)),
                Map.entry(Breakdown.NONE, Map.of(DAY, 1.0)), Map.entry(Breakdown.OTHER, Map.of(DAY, 2.0)));
        // no $other when every value has a place
        assertThat(engine.trend(byPlan(SeriesMath.TOTAL, 10))).doesNotContainKey(Breakdown.OTHER).hasSize(5);
    }

    @Test
    void breakdownsByIdsAndContextPaths() {
        write(e("a").user("u1").context("{\"page\":{\"url\":\"https://x.test/1\"},\"app\":{\"build\":1.10}}").at("2026-01-05T10:00:00Z"),
                e("a").anonymous("anon").context("{\"page\":{\"url\":\"https://x.test/1\"}}").at("2026-01-05T11:00:00Z"),
                e("a").user("u1").context("{}").at("2026-01-05T12:00:00Z"));
        assertThat(engine.trend(byProperty("context.page.url"))).containsOnly(Map.entry("https://x.test/1", Map.of(DAY, 2.0)),
                Map.entry(Breakdown.NONE, Map.of(DAY, 1.0)));
        assertThat(engine.trend(byProperty("distinctId"))).containsOnly(Map.entry("u1", Map.of(DAY, 2.0)), Map.entry("anon", Map.of(DAY, 1.0)));
        assertThat(engine.trend(byProperty("userId"))).containsOnly(Map.entry("u1", Map.of(DAY, 2.0)), Map.entry(Breakdown.NONE, Map.of(DAY, 1.0)));
        // a nested number keeps its written form too
        assertThat(engine.trend(byProperty("context.app.build"))).containsOnly(Map.entry("1.10", Map.of(DAY, 1.0)),
                Map.entry(Breakdown.NONE, Map.of(DAY, 2.0)));
        // a nested object is its compact JSON text
        assertThat(engine.trend(byProperty("context.page"))).containsOnly(Map.entry("{\"url\":\"https://x.test/1\"}", Map.of(DAY, 2.0)),
                Map.entry(Breakdown.NONE, Map.of(DAY, 1.0)));
    }

    // ---- hostile keys and values ----

    @Test
    void hostileKeysAndValuesAreJustText() {
        String props = "{\"it's\":\"it's\",\"a.b\":\"dot\",\"$x\":\"dollar\",\"\\\"; DROP TABLE events; --\":\"evil\",\"back\\\\slash\":\"bs\","
                + "\"*\":\"star\",\"a/b~c\":\"slash\",\"q\\\"k\":2.50,\"plan\":" + json(EVIL) + "}";
        write(e("it's \"quoted\"").user("u1").props(props).context("{\"page\":{\"url\":\"https://x.test/it's\"}}").at("2026-01-05T10:00:00Z"),
                e("it's \"quoted\"").user("u2").props("{}").at("2026-01-05T11:00:00Z"));
        Map<String, String> expected = Map.of("it's", "it's", "properties.a.b", "dot", "$x", "dollar", EVIL, "evil", "back\\slash", "bs",
                "*", "star", "a/b~c", "slash", "q\"k", "2.50", "plan", EVIL, "context.page.url", "https://x.test/it's");
        expected.forEach((property, value) -> {
            TrendSpec spec = trend("it's \"quoted\"", SeriesMath.TOTAL, null, List.of(eq(property, value)), null, Interval.DAY, ZoneOffset.UTC,
                    "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z");
            assertThat(engine.series(spec)).as(property).containsOnly(Map.entry(DAY, 1.0));
            TrendSpec notSet = trend("it's \"quoted\"", SeriesMath.TOTAL, null,
                    List.of(new Filter(PropertyRef.parse(property), FilterOp.IS_NOT_SET, List.of())), null, Interval.DAY, ZoneOffset.UTC,
                    "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z");
            assertThat(engine.series(notSet)).as(property).containsOnly(Map.entry(DAY, 1.0));
        });
        TrendSpec byEvilKey = trend("it's \"quoted\"", SeriesMath.TOTAL, null, List.of(), new Breakdown(PropertyRef.parse(EVIL), 5),
                Interval.DAY, ZoneOffset.UTC, "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z");
        assertThat(engine.trend(byEvilKey)).containsOnly(Map.entry("evil", Map.of(DAY, 1.0)), Map.entry(Breakdown.NONE, Map.of(DAY, 1.0)));
        FunnelSpec funnel = new FunnelSpec(P, List.of(new EventMatcher("it's \"quoted\"", List.of(eq("plan", EVIL))), EventMatcher.named(EVIL)),
                Duration.ofDays(1), FunnelOrder.ORDERED, List.of(), List.of(eq("it's", "it's")), new Breakdown(PropertyRef.parse("q\"k"), 3),
                JAN_5, JAN_12);
        assertThat(engine.funnel(funnel)).containsOnly(Map.entry("2.50", List.of(new FunnelStepResult(1, 0, 0), new FunnelStepResult(0, 0, 0))));
        assertThat(store.countEvents(P)).isEqualTo(2);
    }

    // ---- funnels ----

    @Test
    void funnelWorkedExample() {
        write(e("view").user("A").at("2026-01-05T10:00:00Z"), e("cart").user("A").at("2026-01-05T10:05:00Z"),
                e("view").user("A").at("2026-01-05T11:00:00Z"), e("buy").user("A").at("2026-01-05T11:10:00Z"),
                e("view").user("B").at("2026-01-05T10:00:00Z"), e("buy").user("B").at("2026-01-05T10:01:00Z"),
                e("cart").user("B").at("2026-01-05T10:02:00Z"));
        // "Counts: view 2, cart 2, buy 1; median time cart→buy: 3,900 s"; view→cart is 300 s and 120 s, upper median 300
        assertThat(funnel(FunnelOrder.ORDERED, Duration.ofDays(1), "view", "cart", "buy")).containsExactly(new FunnelStepResult(2, 0, 0),
                new FunnelStepResult(2, 300, 210), new FunnelStepResult(1, 3900, 3900));
    }

    @Test
    void stepsAtOneInstantDoNotConvertAndTheWindowEndIsInclusive() {
        write(e("signup").user("u1").at("2026-01-05T10:00:00Z"), e("purchase").user("u1").at("2026-01-05T10:00:00Z"),
                e("signup").user("u2").at("2026-01-05T10:00:00Z"), e("purchase").user("u2").at("2026-01-05T10:30:00Z"),
                e("signup").user("u3").at("2026-01-05T10:00:00Z"), e("purchase").user("u3").at("2026-01-05T10:30:00.000001Z"));
        assertThat(funnel(FunnelOrder.ORDERED, Duration.ofMinutes(30), "signup", "purchase"))
                .containsExactly(new FunnelStepResult(3, 0, 0), new FunnelStepResult(1, 1800, 1800));
    }

    @Test
    void entriesSharingTheirNextStepGetTheSameChainCutByTheirOwnWindow() {
        // the ordered plan builds the chain after each step-2 event once and cuts it per entry: u1's later
        // entry reaches c within its own window, the earlier one does not; u2's b events share a time,
        // and its entry at b's time must take the next b after it
        write(e("a").user("u1").at("2026-01-05T10:00:00Z"), e("a").user("u1").at("2026-01-05T10:20:00Z"),
                e("b").user("u1").at("2026-01-05T10:30:00Z"), e("c").user("u1").at("2026-01-05T11:10:00Z"),
                e("a").user("u2").at("2026-01-05T10:00:00Z"), e("b").user("u2").at("2026-01-05T10:10:00Z"),
                e("b").user("u2").at("2026-01-05T10:10:00Z"), e("a").user("u2").at("2026-01-05T10:10:00Z"),
                e("b").user("u2").at("2026-01-05T10:40:00Z"), e("c").user("u2").at("2026-01-05T10:45:00Z"),
                e("a").user("u3").at("2026-01-05T10:00:00Z"), e("b").user("u3").at("2026-01-05T11:30:00Z"));
        // u1's best chain starts at 10:20 (600 s, 2,400 s); u2's at 10:00 (600 s, 2,100 s); u3 stops at a
        assertThat(funnel(FunnelOrder.ORDERED, Duration.ofHours(1), "a", "b", "c")).containsExactly(new FunnelStepResult(3, 0, 0),
                new FunnelStepResult(2, 600, 600), new FunnelStepResult(2, 2400, 2250));
    }

    @Test
    void strictStepsAllowNoEventBetweenNotEvenOneTheFiltersDrop() {
        write(e("a").user("u1").props("{\"plan\":\"pro\"}").at("2026-01-05T10:00:00Z"),
                e("other").user("u1").at("2026-01-05T10:01:00Z"),
                e("b").user("u1").props("{\"plan\":\"pro\"}").at("2026-01-05T10:02:00Z"),
                e("a").user("u2").props("{\"plan\":\"pro\"}").at("2026-01-05T10:00:00Z"),
                e("b").user("u2").props("{\"plan\":\"pro\"}").at("2026-01-05T10:03:00Z"));
        List<Filter> pro = List.of(eq("plan", "pro"));
        assertThat(funnel(FunnelOrder.ORDERED, Duration.ofHours(1), List.of(), pro, null, "a", "b").get(QueryEngine.NO_BREAKDOWN))
                .containsExactly(new FunnelStepResult(2, 0, 0), new FunnelStepResult(2, 180, 150));
        assertThat(funnel(FunnelOrder.STRICT, Duration.ofHours(1), List.of(), pro, null, "a", "b").get(QueryEngine.NO_BREAKDOWN))
                .containsExactly(new FunnelStepResult(2, 0, 0), new FunnelStepResult(1, 180, 180));
    }

    @Test
    void strictStepsMayShareTheirTimeWithOtherEvents() {
        // events at a step's own time are not "strictly between" two steps
        write(e("a").user("u1").at("2026-01-05T10:00:00Z"), e("other").user("u1").at("2026-01-05T10:00:00Z"),
                e("b").user("u1").at("2026-01-05T10:01:00Z"), e("other").user("u1").at("2026-01-05T10:01:00Z"),
                e("c").user("u1").at("2026-01-05T10:02:00Z"),
                // u2's c comes after an event of an anonymous id linked to u2: one person, so the chain breaks
                e("a").user("u2").at("2026-01-05T10:00:00Z"), e("b").user("u2").at("2026-01-05T10:01:00Z"),
                e("noise").anonymous("a2").at("2026-01-05T10:01:30Z"), identify("u2", "a2").at("2026-01-01T00:00:00Z"),
                e("c").user("u2").at("2026-01-05T10:02:00Z"));
        assertThat(funnel(FunnelOrder.STRICT, Duration.ofHours(1), "a", "b", "c"))
                .containsExactly(new FunnelStepResult(2, 0, 0), new FunnelStepResult(2, 60, 60), new FunnelStepResult(1, 60, 60));
    }

    @Test
    void stepFiltersAndTheQueryFiltersBothApply() {
        write(e("view").user("u1").props("{\"plan\":\"pro\",\"page\":\"home\"}").at("2026-01-05T10:00:00Z"),
                e("buy").user("u1").props("{\"plan\":\"pro\",\"amount\":5}").at("2026-01-05T10:01:00Z"),
                e("view").user("u2").props("{\"plan\":\"pro\",\"page\":\"home\"}").at("2026-01-05T10:00:00Z"),
                e("buy").user("u2").props("{\"plan\":\"pro\",\"amount\":50}").at("2026-01-05T10:01:00Z"),
                e("view").user("u3").props("{\"plan\":\"free\",\"page\":\"home\"}").at("2026-01-05T10:00:00Z"),
                e("buy").user("u3").props("{\"plan\":\"free\",\"amount\":50}").at("2026-01-05T10:01:00Z"));
        List<EventMatcher> steps = List.of(new EventMatcher("view", List.of(eq("page", "home"))),
                new EventMatcher("buy", List.of(new Filter(PropertyRef.parse("amount"), FilterOp.GTE, List.of(FilterValue.number("10"))))));
        FunnelSpec spec = new FunnelSpec(P, steps, Duration.ofHours(1), FunnelOrder.ORDERED, List.of(), List.of(eq("plan", "pro")), null, JAN_5,
                JAN_12);
        assertThat(engine.funnel(spec).get(QueryEngine.NO_BREAKDOWN))
                .containsExactly(new FunnelStepResult(2, 0, 0), new FunnelStepResult(1, 60, 60));
    }

    @Test
    void unorderedStepsMayComeInAnyOrderWithinTheWindow() {
        write(e("b").user("u1").at("2026-01-05T10:00:00Z"), e("a").user("u1").at("2026-01-05T10:04:00Z"),
                e("a").user("u2").at("2026-01-05T10:00:00Z"), e("b").user("u2").at("2026-01-05T12:00:00Z"));
        assertThat(funnel(FunnelOrder.UNORDERED, Duration.ofHours(1), "a", "b"))
                .containsExactly(new FunnelStepResult(2, 0, 0), new FunnelStepResult(1, 0, 0));
    }

    @Test
    void anExclusionDiscardsTheChainsItFallsInsideAndNoOthers() {
        write(e("a").user("u1").at("2026-01-05T10:00:00Z"), e("x").user("u1").at("2026-01-05T10:01:00Z"),
                e("b").user("u1").at("2026-01-05T10:02:00Z"), e("c").user("u1").at("2026-01-05T10:03:00Z"),
                // x after step 2: outside the excluded steps 1 to 2
                e("a").user("u2").at("2026-01-05T10:00:00Z"), e("b").user("u2").at("2026-01-05T10:02:00Z"),
                e("x").user("u2").at("2026-01-05T10:03:00Z"), e("c").user("u2").at("2026-01-05T10:04:00Z"),
                // never reached step 2: "not affected by that exclusion"
                e("a").user("u3").at("2026-01-05T10:00:00Z"), e("x").user("u3").at("2026-01-05T10:01:00Z"),
                // the first chain is discarded, the second one counts
                e("a").user("u4").at("2026-01-05T09:00:00Z"), e("x").user("u4").at("2026-01-05T09:01:00Z"),
                e("b").user("u4").at("2026-01-05T09:02:00Z"), e("a").user("u4").at("2026-01-05T11:00:00Z"),
                e("b").user("u4").at("2026-01-05T11:05:00Z"));
        List<FunnelExclusion> exclusions = List.of(new FunnelExclusion(EventMatcher.named("x"), 1, 2));
        // u1's only chain is discarded whole, so u1 is not counted even at step 1
        assertThat(funnel(FunnelOrder.ORDERED, Duration.ofHours(1), exclusions, List.of(), null, "a", "b", "c").get(QueryEngine.NO_BREAKDOWN))
                .containsExactly(new FunnelStepResult(3, 0, 0), new FunnelStepResult(2, 300, 210), new FunnelStepResult(1, 120, 120));
    }

    @Test
    void funnelBreakdownTakesTheEntryEventsValueAndTheSmallerOneAtATie() {
        write(e("a").user("u1").props("{\"plan\":\"pro\"}").at("2026-01-05T10:00:00Z"),
                e("a").user("u1").props("{\"plan\":\"free\"}").at("2026-01-05T10:00:00Z"),
                e("b").user("u1").props("{\"plan\":\"team\"}").at("2026-01-05T10:30:00Z"),
                e("a").user("u2").props("{\"plan\":\"pro\"}").at("2026-01-05T10:00:00Z"),
                e("a").user("u3").at("2026-01-05T10:00:00Z"), e("b").user("u3").at("2026-01-05T10:10:00Z"));
        Breakdown byPlan = new Breakdown(PropertyRef.parse("plan"), 2);
        // one person per value at step 1: $none, free and pro tie, and the two smaller texts are kept
        assertThat(funnel(FunnelOrder.ORDERED, Duration.ofHours(1), List.of(), List.of(), byPlan, "a", "b")).containsOnly(
                Map.entry(Breakdown.NONE, List.of(new FunnelStepResult(1, 0, 0), new FunnelStepResult(1, 600, 600))),
                Map.entry("free", List.of(new FunnelStepResult(1, 0, 0), new FunnelStepResult(1, 1800, 1800))),
                Map.entry(Breakdown.OTHER, List.of(new FunnelStepResult(1, 0, 0), new FunnelStepResult(0, 0, 0))));
    }

    @Test
    void aFunnelNobodyEnteredIsAllZero() {
        assertThat(funnel(FunnelOrder.ORDERED, Duration.ofHours(1), "a", "b"))
                .containsExactly(new FunnelStepResult(0, 0, 0), new FunnelStepResult(0, 0, 0));
    }

    // ---- people ----

    @Test
    void anIdentifiedAnonymousIdCountsAsItsUser() {
        // "anonymousId a1 views a page on Monday, then signs up with identify(userId u1, anonymousId a1) on Tuesday
        // and buys on Wednesday as u1. A funnel page viewed → purchase counts one person, u1, who converted."
        write(e("page viewed").anonymous("a1").at("2026-01-05T09:00:00Z"),
                identify("u1", "a1").at("2026-01-06T09:00:00Z"), e("purchase").user("u1").at("2026-01-07T09:00:00Z"));
        assertThat(funnel(FunnelOrder.ORDERED, Duration.ofDays(7), "page viewed", "purchase"))
                .containsExactly(new FunnelStepResult(1, 0, 0), new FunnelStepResult(1, 172800, 172800));
    }

    @Test
    void theEarliestLinkWinsAliasesLinkAndLinksDoNotChain() {
        write(// a2 is claimed by u3 first (the later u2 link loses); equal times go to the smaller id
                identify("u2", "a2").at("2026-01-06T00:00:00Z"), identify("u3", "a2").at("2026-01-05T00:00:00Z"),
                identify("u5", "a4").at("2026-01-05T00:00:00Z"), identify("u4", "a4").at("2026-01-05T00:00:00Z"),
                e("view").anonymous("a2").at("2026-01-05T10:00:00Z"), e("buy").user("u3").at("2026-01-05T10:10:00Z"),
                e("view").anonymous("a4").at("2026-01-05T10:00:00Z"), e("buy").user("u4").at("2026-01-05T10:20:00Z"),
                // an alias links its previousId; old6 -> a7 is not followed on to u7
                alias("u6", "old6").at("2026-01-01T00:00:00Z"), e("view").anonymous("old6").at("2026-01-05T10:00:00Z"),
                e("buy").user("u6").at("2026-01-05T10:30:00Z"),
                alias("a7", "old7").at("2026-01-01T00:00:00Z"), identify("u7", "a7").at("2026-01-01T00:00:00Z"),
                e("view").anonymous("old7").at("2026-01-05T10:00:00Z"), e("buy").user("u7").at("2026-01-05T10:40:00Z"));
        // u3 (600 s), u4 (1200 s) and u6 (1800 s) convert; old7 stays a person of its own (a7's link is not followed)
        assertThat(funnel(FunnelOrder.ORDERED, Duration.ofDays(1), "view", "buy"))
                .containsExactly(new FunnelStepResult(4, 0, 0), new FunnelStepResult(3, 1200, 1200));
    }

    // ---- retention ----

    @Test
    void retentionWorkedExample() {
        // "U signs up Sunday 2026-03-29 23:30 local (the Monday-based week of 23 March) and logs in Monday 00:10"
        write(e("signup").user("U").at("2026-03-29T21:30:00Z"), e("login").user("U").at("2026-03-29T22:10:00Z"));
        RetentionSpec spec = new RetentionSpec(P, EventMatcher.named("signup"), EventMatcher.named("login"), Interval.WEEK, 2,
                CohortType.FIRST_TIME, List.of(), BERLIN, Instant.parse("2026-03-22T23:00:00Z"), Instant.parse("2026-04-05T22:00:00Z"));
        assertThat(engine.retention(spec)).containsExactly(new Cohort(LocalDateTime.parse("2026-03-23T00:00"), 1, List.of(0L, 1L, 0L)),
                new Cohort(LocalDateTime.parse("2026-03-30T00:00"), 0, List.of(0L, 0L, 0L)));
    }

    @Test
    void recurringCohortsCountFromTheFirstStartInTheirPeriodAndEmptyOnesAreListed() {
        write(e("start").user("U").at("2026-01-05T10:00:00Z"), e("back").user("U").at("2026-01-06T09:00:00Z"),
                e("back").user("U").at("2026-01-07T11:00:00Z"), e("start").user("U").at("2026-01-07T12:00:00Z"),
                e("back").user("U").at("2026-01-07T13:00:00Z"),
                // a start before the range: for first_time, V's first start ever, so V is in no cohort
                e("start").user("V").at("2026-01-01T10:00:00Z"), e("start").user("V").at("2026-01-05T10:00:00Z"),
                e("back").user("V").at("2026-01-05T09:00:00Z"));
        RetentionSpec recurring = new RetentionSpec(P, EventMatcher.named("start"), EventMatcher.named("back"), Interval.DAY, 2,
                CohortType.RECURRING, List.of(), ZoneOffset.UTC, JAN_5, Instant.parse("2026-01-08T00:00:00Z"));
        assertThat(engine.retention(recurring)).containsExactly(
                new Cohort(LocalDateTime.parse("2026-01-05T00:00"), 2, List.of(0L, 1L, 1L)),
                new Cohort(LocalDateTime.parse("2026-01-06T00:00"), 0, List.of(0L, 0L, 0L)),
                new Cohort(LocalDateTime.parse("2026-01-07T00:00"), 1, List.of(1L, 0L, 0L)));
        RetentionSpec firstTime = new RetentionSpec(P, EventMatcher.named("start"), EventMatcher.named("back"), Interval.DAY, 2,
                CohortType.FIRST_TIME, List.of(), ZoneOffset.UTC, JAN_5, Instant.parse("2026-01-08T00:00:00Z"));
        assertThat(engine.retention(firstTime)).containsExactly(
                new Cohort(LocalDateTime.parse("2026-01-05T00:00"), 1, List.of(0L, 1L, 1L)),
                new Cohort(LocalDateTime.parse("2026-01-06T00:00"), 0, List.of(0L, 0L, 0L)),
                new Cohort(LocalDateTime.parse("2026-01-07T00:00"), 0, List.of(0L, 0L, 0L)));
    }

    @Test
    void dailyRetentionFollowsBerlinDaysAcrossTheSpringChange() {
        // 2026-03-29 is 23 hours long in Berlin; 22:30Z on the 29th is already 00:30 on the 30th
        write(e("start").user("U").at("2026-03-28T23:30:00Z"), e("back").user("U").at("2026-03-29T21:59:00Z"),
                e("back").user("U").at("2026-03-29T22:30:00Z"));
        RetentionSpec spec = new RetentionSpec(P, EventMatcher.named("start"), EventMatcher.named("back"), Interval.DAY, 1,
                CohortType.FIRST_TIME, List.of(), BERLIN, Instant.parse("2026-03-28T23:00:00Z"), Instant.parse("2026-03-29T22:00:00Z"));
        assertThat(engine.retention(spec)).containsExactly(new Cohort(LocalDateTime.parse("2026-03-29T00:00"), 1, List.of(1L, 1L)));
    }

    // ---- bad questions ----

    @Test
    void aRangeBeyondTheStoredTimesIsRefusedNamingTheField() {
        FunnelSpec spec = new FunnelSpec(P, List.of(EventMatcher.named("a"), EventMatcher.named("b")), Duration.ofDays(1), FunnelOrder.ORDERED,
                List.of(), List.of(), null, JAN_5, Instant.parse("+300000-01-01T00:00:00Z"));
        assertThatThrownBy(() -> engine.funnel(spec)).isInstanceOfSatisfying(TallyException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_QUERY);
            assertThat(e.field()).contains("to");
        });
    }

    @Test
    void anEnormousWindowMeansForever() {
        write(e("a").user("u1").at("2026-01-05T10:00:00Z"), e("b").user("u1").at("2036-01-05T10:00:00Z"));
        assertThat(funnel(FunnelOrder.ORDERED, Duration.ofSeconds(Long.MAX_VALUE), "a", "b").get(1).count()).isEqualTo(1);
    }

    // ---- helpers ----

    private double math(String event, SeriesMath math) {
        return engine.series(trend(event, math, "amount", List.of(), null, Interval.DAY, ZoneOffset.UTC, "2026-01-05T00:00:00Z",
                "2026-01-06T00:00:00Z")).get(DAY);
    }

    private double countB(Filter filter) {
        return engine.series(trend("b", SeriesMath.TOTAL, null, List.of(filter), null, Interval.DAY, ZoneOffset.UTC, "2026-01-05T00:00:00Z",
                "2026-01-06T00:00:00Z")).getOrDefault(DAY, 0.0);
    }

    private static TrendSpec byProperty(String property) {
        return trend("a", SeriesMath.TOTAL, null, List.of(), new Breakdown(PropertyRef.parse(property), 10), Interval.DAY, ZoneOffset.UTC,
                "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z");
    }

    private static TrendSpec byPlan(SeriesMath math, int limit) {
        return trend("a", math, null, List.of(), new Breakdown(PropertyRef.parse("plan"), limit), Interval.DAY, ZoneOffset.UTC,
                "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z");
    }

    private static TrendSpec trend(String event, SeriesMath math, String property, List<Filter> filters, Breakdown breakdown,
                                   Interval interval, ZoneId zone, String from, String to) {
        return new TrendSpec(P, event, math, property, filters, breakdown, interval, zone, Instant.parse(from), Instant.parse(to));
    }

    private List<FunnelStepResult> funnel(FunnelOrder order, Duration window, String... steps) {
        return funnel(order, window, List.of(), List.of(), null, steps).get(QueryEngine.NO_BREAKDOWN);
    }

    private Map<String, List<FunnelStepResult>> funnel(FunnelOrder order, Duration window, List<FunnelExclusion> exclusions,
                                                       List<Filter> filters, Breakdown breakdown, String... steps) {
        List<EventMatcher> matchers = new ArrayList<>();
        for (String step : steps) {
            matchers.add(EventMatcher.named(step));
        }
        return engine.funnel(new FunnelSpec(P, matchers, window, order, exclusions, filters, breakdown, JAN_5, JAN_12));
    }

    private static Filter eq(String property, String text) {
        return eq(property, FilterValue.text(text));
    }

    private static Filter eq(String property, FilterValue value) {
        return new Filter(PropertyRef.parse(property), FilterOp.EQ, List.of(value));
    }

    private Event plan(String plan, String user) {
        return e("a").user(user).props(plan == null ? "{}" : "{\"plan\":" + json(plan) + "}").at("2026-01-05T10:00:00Z");
    }

    /** A JSON string literal of {@code text} (quotes and backslashes escaped). */
    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private void write(Event... events) {
        write(List.of(events));
    }

    private void write(List<Event> events) {
        store.write(events, Map.of());
    }

    private EventBuilder e(String name) {
        return new EventBuilder(EventType.TRACK, name);
    }

    private EventBuilder identify(String userId, String anonymousId) {
        return new EventBuilder(EventType.IDENTIFY, EventType.IDENTIFY.syntheticEventName()).user(userId).anonymous(anonymousId);
    }

    private EventBuilder alias(String userId, String previousId) {
        EventBuilder builder = new EventBuilder(EventType.ALIAS, EventType.ALIAS.syntheticEventName()).user(userId);
        builder.previousId = previousId;
        return builder;
    }

    /** An event of project {@link #P}, made field by field. */
    private final class EventBuilder {
        private final EventType type;
        private final String name;
        private String userId;
        private String anonymousId;
        private String previousId;
        private String properties = "{}";
        private String context = "{}";

        EventBuilder(EventType type, String name) {
            this.type = type;
            this.name = name;
        }

        EventBuilder user(String value) {
            userId = value;
            return this;
        }

        EventBuilder anonymous(String value) {
            anonymousId = value;
            return this;
        }

        EventBuilder props(String json) {
            properties = json;
            return this;
        }

        EventBuilder context(String json) {
            context = json;
            return this;
        }

        Event at(String instant) {
            Instant at = Instant.parse(instant);
            return new Event(P, "m" + ids.incrementAndGet(), type, name, userId != null ? userId : anonymousId, userId, anonymousId, at, at,
                    null, null, null, null, previousId, properties, "{}", context, null, null);
        }
    }
}
