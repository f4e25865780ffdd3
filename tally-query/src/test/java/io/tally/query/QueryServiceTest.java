package io.tally.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.query.Breakdown;
import io.tally.core.query.Cohort;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.query.Interval;
import io.tally.core.query.PropertyRef;
import io.tally.core.query.RecentEvent;
import io.tally.core.query.RecentEventsSpec;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.RowsRead;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.QueryEngine;
import io.tally.query.reference.ReferenceQueryEngine;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The service over the reference engine: how buckets are laid out and how compare picks the previous period. */
class QueryServiceTest {
    private static final String PROJECT = "p";
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final AtomicLong IDS = new AtomicLong();

    private final List<Event> events = new ArrayList<>();

    @Test
    void monthlyCompareOverMarchIsFebruary() {
        // 29 Jan would be in a previous period of March's 31 days taken as a duration; it is not in February
        buy("2026-01-29T12:00:00Z", "free");
        buy("2026-02-01T00:30:00+01:00", "free");
        buy("2026-02-28T23:30:00+01:00", "free");
        buy("2026-03-10T12:00:00Z", "free");

        TrendsResult.SeriesResult march = only(trends(Interval.MONTH, days("2026-03-01", "2026-03-31"), true, null));

        assertThat(march.buckets()).containsExactly(OffsetDateTime.parse("2026-03-01T00:00+01:00"));
        assertThat(march.values()).containsExactly(1.0);
        assertThat(march.previous().buckets()).containsExactly(OffsetDateTime.parse("2026-02-01T00:00+01:00"));
        assertThat(march.previous().values()).containsExactly(2.0);
    }

    @Test
    void monthlyCompareOfPartMonthsIsTheSamePartsOfTheMonthsBefore() {
        buy("2026-01-14T12:00:00Z", "free");
        buy("2026-01-15T12:00:00Z", "free");
        buy("2026-02-14T12:00:00Z", "free");
        buy("2026-02-15T12:00:00Z", "free");

        TrendsResult.SeriesResult spring = only(trends(Interval.MONTH, days("2026-03-15", "2026-04-14"), true, null));

        assertThat(spring.previous().buckets()).containsExactly(OffsetDateTime.parse("2026-01-01T00:00+01:00"),
                OffsetDateTime.parse("2026-02-01T00:00+01:00"));
        assertThat(spring.previous().values()).containsExactly(1.0, 1.0);
    }

    @Test
    void dailyCompareOfTheSpringDstDayIsTheLocalDayBefore() {
        buy("2026-03-27T23:30:00+01:00", "free");
        buy("2026-03-28T00:30:00+01:00", "free");
        buy("2026-03-29T00:30:00+01:00", "free");
        buy("2026-03-29T23:30:00+02:00", "free");

        TrendsResult.SeriesResult sunday = only(trends(Interval.DAY, days("2026-03-29", "2026-03-29"), true, null));

        assertThat(sunday.buckets()).containsExactly(OffsetDateTime.parse("2026-03-29T00:00+01:00"));
        assertThat(sunday.values()).containsExactly(2.0);
        // the whole local Saturday (24 hours), not the 23 hours before Sunday starting at 01:00 local
        assertThat(sunday.previous().buckets()).containsExactly(OffsetDateTime.parse("2026-03-28T00:00+01:00"));
        assertThat(sunday.previous().values()).containsExactly(1.0);
    }

    @Test
    void theSpringDstDayHas23HourlyBucketsWithDistinctTimes() {
        buy("2026-03-29T01:30:00+01:00", "free");
        buy("2026-03-29T03:30:00+02:00", "free");

        TrendsResult.SeriesResult sunday = only(trends(Interval.HOUR, days("2026-03-29", "2026-03-29"), false, null));

        assertThat(sunday.buckets()).hasSize(23).doesNotHaveDuplicates();
        assertThat(sunday.buckets().subList(0, 4)).containsExactly(OffsetDateTime.parse("2026-03-29T00:00+01:00"),
                OffsetDateTime.parse("2026-03-29T01:00+01:00"), OffsetDateTime.parse("2026-03-29T03:00+02:00"),
                OffsetDateTime.parse("2026-03-29T04:00+02:00"));
        assertThat(sunday.values().subList(0, 4)).containsExactly(0.0, 1.0, 1.0, 0.0);
        assertThat(sunday.values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(2.0);
    }

    @Test
    void theAutumnDstDayHas24HourlyBucketsTheRepeatedHourBeingOne() {
        // docs/queries.md, "Periods": both instants of the repeated local hour belong to the one bucket
        buy("2026-10-25T02:30:00+02:00", "free");
        buy("2026-10-25T02:30:00+01:00", "free");

        TrendsResult.SeriesResult sunday = only(trends(Interval.HOUR, days("2026-10-25", "2026-10-25"), false, null));

        assertThat(sunday.buckets()).hasSize(24).doesNotHaveDuplicates();
        assertThat(sunday.buckets().get(2)).isEqualTo(OffsetDateTime.parse("2026-10-25T02:00+02:00"));
        assertThat(sunday.buckets().get(3)).isEqualTo(OffsetDateTime.parse("2026-10-25T03:00+01:00"));
        assertThat(sunday.values().get(2)).isEqualTo(2.0);
    }

    @Test
    void hourlyCompareOfTheSpringDstDayIsThe23HoursBefore() {
        buy("2026-03-28T01:30:00+01:00", "free");
        buy("2026-03-29T01:30:00+01:00", "free");

        TrendsResult.SeriesResult sunday = only(trends(Interval.HOUR, days("2026-03-29", "2026-03-29"), true, null));

        // bucket i of the previous period is the hour 23 hourly buckets before bucket i
        assertThat(sunday.previous().buckets()).hasSize(23).doesNotHaveDuplicates();
        assertThat(sunday.previous().buckets().get(0)).isEqualTo(OffsetDateTime.parse("2026-03-28T01:00+01:00"));
        assertThat(sunday.previous().buckets().get(22)).isEqualTo(OffsetDateTime.parse("2026-03-28T23:00+01:00"));
        assertThat(sunday.previous().values().get(0)).isEqualTo(1.0);
    }

    @Test
    void hourlyCompareOfTheDayAfterAutumnDstIsTheWholeAutumnDay() {
        buy("2026-10-25T00:30:00+02:00", "free");
        buy("2026-10-25T02:30:00+01:00", "free");

        TrendsResult.SeriesResult monday = only(trends(Interval.HOUR, days("2026-10-26", "2026-10-26"), true, null));

        // 24 buckets before Monday 00:00 are all of Sunday's: its 25 hours, the repeated 02:00 being one bucket
        assertThat(monday.previous().buckets()).hasSize(24).doesNotHaveDuplicates();
        assertThat(monday.previous().buckets().get(0)).isEqualTo(OffsetDateTime.parse("2026-10-25T00:00+02:00"));
        assertThat(monday.previous().values().subList(0, 3)).containsExactly(1.0, 0.0, 1.0);
    }

    @Test
    void emptyBucketsAreZero() {
        buy("2026-03-03T12:00:00Z", "free");

        TrendsResult.SeriesResult week = only(trends(Interval.DAY, days("2026-03-02", "2026-03-08"), true, null));

        assertThat(week.values()).containsExactly(0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        assertThat(week.previous().values()).containsExactly(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    }

    @Test
    void thePreviousPeriodIsBrokenDownByTheCurrentPeriodsValues() {
        // previous week: "team" is the top value, but the current week's top value is "pro"
        buy("2026-03-03T12:00:00Z", "team");
        buy("2026-03-03T13:00:00Z", "team");
        buy("2026-03-04T12:00:00Z", "pro");
        buy("2026-03-05T12:00:00Z", null);
        buy("2026-03-10T12:00:00Z", "pro");
        buy("2026-03-10T13:00:00Z", "pro");
        buy("2026-03-11T12:00:00Z", "free");
        buy("2026-03-12T12:00:00Z", null);

        TrendsResult result = trends(Interval.WEEK, days("2026-03-09", "2026-03-15"), true,
                new Breakdown(new PropertyRef.EventProperty("plan"), 2));

        assertThat(result.series()).extracting(TrendsResult.SeriesResult::breakdownValue)
                .containsExactly("pro", "$none", "$other");
        assertThat(result.series()).extracting(s -> s.previous().values())
                .containsExactly(List.of(1.0), List.of(1.0), List.of(2.0));
    }

    @Test
    void numericBreakdownValuesFindThemselvesInThePreviousPeriod() {
        for (String at : List.of("2026-03-03T12:00:00Z", "2026-03-10T12:00:00Z", "2026-03-10T13:00:00Z")) {
            amount(at, "3.50");
        }
        amount("2026-03-04T12:00:00Z", "7");
        amount("2026-03-11T12:00:00Z", "7");
        amount("2026-03-11T12:00:00Z", "1e2");

        TrendsResult result = trends(Interval.WEEK, days("2026-03-09", "2026-03-15"), true,
                new Breakdown(new PropertyRef.EventProperty("amount"), 5));

        for (TrendsResult.SeriesResult series : result.series()) {
            double expected = switch (series.values().get(0).intValue()) {
                case 2 -> 1.0;
                case 1 -> series.breakdownValue().startsWith("7") ? 1.0 : 0.0;
                default -> -1;
            };
            assertThat(series.previous().values()).as(series.breakdownValue()).containsExactly(expected);
        }
        assertThat(result.series()).hasSize(3);
    }

    private void amount(String at, String json) {
        Instant time = OffsetDateTime.parse(at).toInstant();
        events.add(new Event(PROJECT, "m" + IDS.incrementAndGet(), EventType.TRACK, "buy", "u", "u", null, time, time,
                null, null, null, null, null, "{\"amount\":" + json + "}", "{}", "{}", null, null));
    }

    @Test
    void metaReportsTheRowsTheStoreSaidItReadAlsoForACachedAnswer() {
        buy("2026-03-10T12:00:00Z", "free");
        ReferenceQueryEngine reference = new ReferenceQueryEngine(events);
        // an engine whose store tells what it read, as ClickHouse does: 100 rows per trend asked
        QueryEngine counting = new QueryEngine() {
            @Override
            public Map<String, Map<LocalDateTime, Double>> trend(TrendSpec spec) {
                RowsRead.add(100);
                return reference.trend(spec);
            }

            @Override
            public Map<String, List<FunnelStepResult>> funnel(FunnelSpec spec) {
                return reference.funnel(spec);
            }

            @Override
            public List<Cohort> retention(RetentionSpec spec) {
                return reference.retention(spec);
            }

            @Override
            public List<RecentEvent> recentEvents(RecentEventsSpec spec) {
                return reference.recentEvents(spec);
            }

            @Override
            public String name() {
                return "counting";
            }
        };
        Instant[] march = days("2026-03-01", "2026-03-31");
        TrendsQuery query = new TrendsQuery(List.of(new TrendsQuery.Series("buy", SeriesMath.TOTAL, null),
                new TrendsQuery.Series("buy", SeriesMath.UNIQUE_USERS, null)), Interval.DAY, march[0], march[1], BERLIN, List.of(), null, false);
        QueryService service = new QueryService(counting, new QueryCache(Duration.ofSeconds(60)), IngestionProgress.UNKNOWN);

        assertThat(service.trends(PROJECT, query).meta().rowsRead()).isEqualTo(200);
        TrendsResult cached = service.trends(PROJECT, query);
        assertThat(cached.meta().cached()).isTrue();
        assertThat(cached.meta().rowsRead()).isEqualTo(200);
        // a store that tells nothing: unknown, not zero
        assertThat(new QueryService(reference).trends(PROJECT, query).meta().rowsRead()).isEqualTo(-1);
    }

    private void buy(String at, String plan) {
        Instant time = OffsetDateTime.parse(at).toInstant();
        String properties = plan == null ? "{}" : "{\"plan\":\"" + plan + "\"}";
        events.add(new Event(PROJECT, "m" + IDS.incrementAndGet(), EventType.TRACK, "buy", "u", "u", null, time, time,
                null, null, null, null, null, properties, "{}", "{}", null, null));
    }

    /** {@code [start of first, start of the day after last)} in Berlin, as the parser makes a date range. */
    private static Instant[] days(String first, String last) {
        return new Instant[] {LocalDate.parse(first).atStartOfDay(BERLIN).toInstant(),
                LocalDate.parse(last).plusDays(1).atStartOfDay(BERLIN).toInstant()};
    }

    private TrendsResult trends(Interval interval, Instant[] range, boolean compare, Breakdown breakdown) {
        TrendsQuery query = new TrendsQuery(List.of(new TrendsQuery.Series("buy", SeriesMath.TOTAL, null)), interval,
                range[0], range[1], BERLIN, List.of(), breakdown, compare);
        return new QueryService(new ReferenceQueryEngine(events)).trends(PROJECT, query);
    }

    private static TrendsResult.SeriesResult only(TrendsResult result) {
        assertThat(result.series()).hasSize(1);
        return result.series().get(0);
    }
}
