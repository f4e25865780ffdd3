package io.tally.query.reference;

import static io.tally.query.reference.EventBuilder.PROJECT;
import static io.tally.query.reference.EventBuilder.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.tally.core.event.Event;
import io.tally.core.query.Breakdown;
import io.tally.core.query.Filter;
import io.tally.core.query.FilterOp;
import io.tally.core.query.FilterValue;
import io.tally.core.query.Interval;
import io.tally.core.query.PropertyRef;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.QueryEngine;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferenceTrendsTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-01-08T00:00:00Z");
    private static final LocalDateTime JAN_1 = LocalDateTime.parse("2026-01-01T00:00");
    private static final LocalDateTime JAN_2 = LocalDateTime.parse("2026-01-02T00:00");

    @Test
    void aDateRangeIsLocalDaysWithDateToInclusive() {
        // "dateFrom 2026-03-29, dateTo 2026-03-29 in Europe/Berlin is the 23 hours from 2026-03-28T23:00Z to 2026-03-29T22:00Z"
        Instant from = LocalDate.parse("2026-03-29").atStartOfDay(BERLIN).toInstant();
        Instant to = LocalDate.parse("2026-03-29").plusDays(1).atStartOfDay(BERLIN).toInstant();
        assertThat(from).isEqualTo(Instant.parse("2026-03-28T23:00:00Z"));
        assertThat(to).isEqualTo(Instant.parse("2026-03-29T22:00:00Z"));
        var engine = engine(track("a").user("u").at("2026-03-28T22:59:59.999999Z").build(),
                track("a").user("u").at("2026-03-28T23:00:00Z").build(),
                track("a").user("u").at("2026-03-29T21:59:59.999999Z").build(),
                track("a").user("u").at("2026-03-29T22:00:00Z").build());
        assertThat(engine.series(new TrendSpec(PROJECT, "a", SeriesMath.TOTAL, Interval.DAY, BERLIN, from, to)))
                .containsExactly(entry(LocalDateTime.parse("2026-03-29T00:00"), 2.0));
        assertThat(engine.series(new TrendSpec(PROJECT, "a", SeriesMath.TOTAL, Interval.HOUR, BERLIN, from, to)))
                .containsOnlyKeys(LocalDateTime.parse("2026-03-29T00:00"), LocalDateTime.parse("2026-03-29T23:00"));
    }

    @Test
    void theAutumnHourIsOneBucketOfTwoHours() {
        var engine = engine(track("a").user("u").at("2026-10-25T00:30:00Z").build(),
                track("a").user("v").at("2026-10-25T01:30:00Z").build(),
                track("a").user("v").at("2026-10-25T02:30:00Z").build());
        Instant from = Instant.parse("2026-10-24T22:00:00Z");
        Instant to = Instant.parse("2026-10-25T23:00:00Z");
        assertThat(engine.series(new TrendSpec(PROJECT, "a", SeriesMath.TOTAL, Interval.HOUR, BERLIN, from, to))).containsExactly(
                entry(LocalDateTime.parse("2026-10-25T02:00"), 2.0), entry(LocalDateTime.parse("2026-10-25T03:00"), 1.0));
        assertThat(engine.series(new TrendSpec(PROJECT, "a", SeriesMath.UNIQUE_USERS, Interval.HOUR, BERLIN, from, to)))
                .containsEntry(LocalDateTime.parse("2026-10-25T02:00"), 2.0);
        assertThat(engine.series(new TrendSpec(PROJECT, "a", SeriesMath.TOTAL, Interval.DAY, BERLIN, from, to)))
                .containsExactly(entry(LocalDateTime.parse("2026-10-25T00:00"), 3.0));
    }

    @Test
    void weeksStartOnMonday() {
        // Sunday 4 January and Monday 5 January 2026
        var engine = engine(track("a").user("u").at("2026-01-04T12:00:00Z").build(), track("a").user("u").at("2026-01-05T00:00:00Z").build());
        assertThat(engine.series(new TrendSpec(PROJECT, "a", SeriesMath.TOTAL, Interval.WEEK, ZoneOffset.UTC, FROM, TO))).containsExactly(
                entry(LocalDateTime.parse("2025-12-29T00:00"), 1.0), entry(LocalDateTime.parse("2026-01-05T00:00"), 1.0));
    }

    @Test
    void countsOnlyTheNamedEventsOfTheProjectInTheRange() {
        var engine = engine(track("a").user("u").at("2026-01-01T00:00:00Z").build(),
                track("a").user("u").at("2026-01-08T00:00:00Z").build(),
                track("a").user("u").at("2025-12-31T23:59:59.999999Z").build(),
                track("b").user("u").at("2026-01-01T10:00:00Z").build(),
                track("a").project("other").user("u").at("2026-01-01T10:00:00Z").build());
        assertThat(engine.series(new TrendSpec(PROJECT, "a", SeriesMath.TOTAL, Interval.DAY, ZoneOffset.UTC, FROM, TO)))
                .containsExactly(entry(JAN_1, 1.0));
    }

    @Test
    void uniqueUsersCountDistinctIdsNotPeople() {
        var engine = engine(track("a").anonymous("anon").at("2026-01-01T01:00:00Z").build(),
                track("a").user("u1").anonymous("anon").at("2026-01-01T02:00:00Z").build(),
                track("a").user("u1").at("2026-01-01T03:00:00Z").build());
        assertThat(engine.series(spec(SeriesMath.UNIQUE_USERS, null))).containsExactly(entry(JAN_1, 2.0));
    }

    @Test
    void numericMathSkipsValuesThatAreNotNumbers() {
        var engine = engine(amount("1"), amount("2"), amount("\"3\""), amount("4"), amount("\"many\""), amount("null"), amount("true"),
                track("a").user("u").at("2026-01-01T05:00:00Z").build());
        assertThat(engine.series(spec(SeriesMath.SUM, "amount"))).containsExactly(entry(JAN_1, 10.0));
        assertThat(engine.series(spec(SeriesMath.AVG, "amount"))).containsExactly(entry(JAN_1, 2.5));
        assertThat(engine.series(spec(SeriesMath.MIN, "amount"))).containsExactly(entry(JAN_1, 1.0));
        assertThat(engine.series(spec(SeriesMath.MAX, "amount"))).containsExactly(entry(JAN_1, 4.0));
        // "for p50 of 1, 2, 3, 4 that is 3"
        assertThat(engine.series(spec(SeriesMath.P50, "amount"))).containsExactly(entry(JAN_1, 3.0));
        assertThat(engine.series(spec(SeriesMath.P90, "amount"))).containsExactly(entry(JAN_1, 4.0));
        assertThat(engine.series(spec(SeriesMath.P99, "amount"))).containsExactly(entry(JAN_1, 4.0));
        assertThat(engine.series(spec(SeriesMath.TOTAL, null))).containsExactly(entry(JAN_1, 8.0));
    }

    @Test
    void quantilesTakeIndexFloorOfQTimesNCapped() {
        List<Event> events = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            events.add(amount(Integer.toString(11 - i)));
        }
        var engine = engine(events.toArray(Event[]::new));
        assertThat(engine.series(spec(SeriesMath.P50, "amount"))).containsExactly(entry(JAN_1, 6.0));
        assertThat(engine.series(spec(SeriesMath.P90, "amount"))).containsExactly(entry(JAN_1, 10.0));
        assertThat(engine.series(spec(SeriesMath.P99, "amount"))).containsExactly(entry(JAN_1, 10.0));
        assertThat(BucketMath.quantileIndex(0.5, 1)).isZero();
        assertThat(BucketMath.quantileIndex(0.99, 100)).isEqualTo(99);
        assertThat(BucketMath.quantileIndex(0.99, 1)).isZero();
        assertThat(BucketMath.quantileIndex(0.9, 9)).isEqualTo(8);
    }

    @Test
    void aBucketWithoutNumericValuesHasNoValue() {
        var engine = engine(track("a").user("u").at("2026-01-01T05:00:00Z").props("{\"amount\":\"x\"}").build(),
                track("a").user("u").at("2026-01-02T05:00:00Z").props("{\"amount\":7}").build());
        assertThat(engine.series(spec(SeriesMath.MAX, "amount"))).containsExactly(entry(JAN_2, 7.0));
    }

    @Test
    void filtersSelectTheEvents() {
        var engine = engine(track("a").user("u").at("2026-01-01T05:00:00Z").props("{\"plan\":\"pro\"}").build(),
                track("a").user("u").at("2026-01-01T06:00:00Z").props("{\"plan\":\"free\"}").build(),
                track("a").user("u").at("2026-01-01T07:00:00Z").build());
        TrendSpec spec = new TrendSpec(PROJECT, "a", SeriesMath.TOTAL, null,
                List.of(new Filter(PropertyRef.parse("plan"), FilterOp.NEQ, List.of(FilterValue.text("free")))), null, Interval.DAY,
                ZoneOffset.UTC, FROM, TO);
        assertThat(engine.series(spec)).containsExactly(entry(JAN_1, 2.0));
    }

    @Test
    void aBreakdownKeepsTheBiggestValuesAndPutsTheRestIntoOther() {
        var engine = engine(plan("b", "u1"), plan("b", "u2"), plan("a", "u1"), plan("c", "u1"), plan("c", "u3"), plan(null, "u4"),
                plan("d", "u3"));
        // counts: b 2, c 2, a 1, d 1, $none 1; ties by smaller text: b, c, then $none before a before d
        Map<String, Map<LocalDateTime, Double>> two = engine.trend(breakdown(SeriesMath.TOTAL, 2));
        assertThat(two).containsOnlyKeys("b", "c", Breakdown.OTHER);
        assertThat(two.get(Breakdown.OTHER)).containsExactly(entry(JAN_1, 3.0));
        Map<String, Map<LocalDateTime, Double>> three = engine.trend(breakdown(SeriesMath.TOTAL, 3));
        assertThat(three).containsOnlyKeys("b", "c", Breakdown.NONE, Breakdown.OTHER);
        // "$other ... unique_users is the number of distinct ids among them, not a sum": a and d are u1 and u3
        Map<String, Map<LocalDateTime, Double>> users = engine.trend(breakdown(SeriesMath.UNIQUE_USERS, 2));
        assertThat(users.get(Breakdown.OTHER)).containsExactly(entry(JAN_1, 3.0));
        assertThat(users.get("c")).containsExactly(entry(JAN_1, 2.0));
    }

    @Test
    void noOtherSeriesWhenEveryValueIsKept() {
        var engine = engine(plan("b", "u1"), plan("a", "u1"));
        assertThat(engine.trend(breakdown(SeriesMath.TOTAL, 2))).containsOnlyKeys("a", "b");
        assertThat(engine.trend(breakdown(SeriesMath.TOTAL, 1))).containsOnlyKeys("a", Breakdown.OTHER);
    }

    @Test
    void theRankingCountsEventsOverTheWholeRange() {
        // "a" has more events in all, "b" more on the 2nd: the whole range decides
        var engine = engine(plan("a", "u1"), plan("a", "u1"), plan("a", "u1"),
                track("a").user("u").at("2026-01-02T05:00:00Z").props("{\"plan\":\"b\"}").build(),
                track("a").user("u").at("2026-01-02T06:00:00Z").props("{\"plan\":\"b\"}").build());
        Map<String, Map<LocalDateTime, Double>> trend = engine.trend(breakdown(SeriesMath.TOTAL, 1));
        assertThat(trend.get("a")).containsExactly(entry(JAN_1, 3.0));
        assertThat(trend.get(Breakdown.OTHER)).containsExactly(entry(JAN_2, 2.0));
    }

    @Test
    void withoutBreakdownTheSeriesHasTheEmptyKey() {
        var engine = engine(plan("a", "u1"));
        assertThat(engine.trend(spec(SeriesMath.TOTAL, null))).containsOnlyKeys(QueryEngine.NO_BREAKDOWN);
    }

    private static Event amount(String json) {
        return track("a").user("u").at("2026-01-01T05:00:00Z").props("{\"amount\":" + json + "}").build();
    }

    private static Event plan(String plan, String user) {
        return track("a").user(user).at("2026-01-01T05:00:00Z").props(plan == null ? "{}" : "{\"plan\":\"" + plan + "\"}").build();
    }

    private static TrendSpec spec(SeriesMath math, String property) {
        return new TrendSpec(PROJECT, "a", math, property, List.of(), null, Interval.DAY, ZoneOffset.UTC, FROM, TO);
    }

    private static TrendSpec breakdown(SeriesMath math, int limit) {
        return new TrendSpec(PROJECT, "a", math, null, List.of(), new Breakdown(PropertyRef.parse("plan"), limit), Interval.DAY,
                ZoneOffset.UTC, FROM, TO);
    }

    private static ReferenceQueryEngine engine(Event... events) {
        return new ReferenceQueryEngine(List.of(events));
    }
}
