package io.tally.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.tally.core.query.RowsRead;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.QueryEngine;
import io.tally.testing.TestingClickHouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worked examples of docs/queries.md and the rules that are easy to get wrong on ClickHouse 18.16:
 * local days and hours across DST and in half-hour zones, quantile indexes, ties, {@code $none} and
 * {@code $other}, numeric versus text comparison, hostile keys and values, funnels to the microsecond,
 * people behind anonymous ids, retention periods. Each test writes into a project of its own.
 */
class ClickHouseQueryScenariosTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger PROJECTS = new AtomicInteger();
    private static final AtomicInteger MESSAGES = new AtomicInteger();
    private static final Instant JAN5 = Instant.parse("2026-01-05T00:00:00Z");
    private static final Instant JAN12 = Instant.parse("2026-01-12T00:00:00Z");
    private static final LocalDateTime DAY = LocalDateTime.parse("2026-01-05T00:00");

    private static TestingClickHouse server;
    private static Path dir;
    private static ClickHouseEventStore store;
    private static ClickHouseQueryEngine engine;

    @BeforeAll
    static void start() throws IOException {
        server = TestingClickHouse.start();
        dir = Files.createTempDirectory("tally-scenarios");
        store = new ClickHouseEventStore(TestDatabases.settings(server, dir), Clock.systemUTC());
        engine = new ClickHouseQueryEngine(store);
    }

    @AfterAll
    static void stop() throws IOException {
        if (store != null) {
            store.close();
        }
        if (server != null) {
            server.close();
        }
        Files.deleteIfExists(dir);
    }

    // ---- trends ----

    /** meta.rowsRead: ClickHouse tells, with every result, how many rows it read. */
    @Test
    void everyAnswerCountsTheRowsClickHouseRead() {
        String p = project();
        write(track(p, "a", "u1", "2026-03-10T10:00:00Z"), track(p, "a", "u2", "2026-03-10T11:00:00Z"), track(p, "b", "u1", "2026-03-10T12:00:00Z"));
        TrendSpec raw = trend(p, "a", SeriesMath.TOTAL, null, List.of(isNotSet("plan")), null, Interval.DAY, BERLIN,
                "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
        RowsRead.Counted<?> counted = RowsRead.counting(() -> engine.series(raw));
        assertThat(counted.rows()).isGreaterThanOrEqualTo(2);
        assertThat(RowsRead.counting(() -> engine.funnel(new FunnelSpec(p, List.of(EventMatcher.named("a"), EventMatcher.named("b")),
                Duration.ofDays(1), FunnelOrder.ORDERED, List.of(), List.of(), null, Instant.parse("2026-03-01T00:00:00Z"),
                Instant.parse("2026-04-01T00:00:00Z")))).rows()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aLocalDateRangeInBerlinIsTwentyThreeHoursOnTheSpringDay() {
        String p = project();
        write(track(p, "a", "u1", "2026-03-28T22:59:59.999999Z"), track(p, "a", "u1", "2026-03-28T23:00:00Z"),
                track(p, "a", "u2", "2026-03-29T21:59:59.999999Z"), track(p, "a", "u2", "2026-03-29T22:00:00Z"));
        // "dateFrom 2026-03-29, dateTo 2026-03-29 in Europe/Berlin is the 23 hours from 2026-03-28T23:00Z to 2026-03-29T22:00Z";
        // a filter keeps the rollups out, so this is the raw path
        TrendSpec day = trend(p, "a", SeriesMath.TOTAL, null, List.of(isNotSet("plan")), null, Interval.DAY, BERLIN,
                "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z");
        assertThat(engine.series(day)).containsExactlyInAnyOrderEntriesOf(Map.of(LocalDateTime.parse("2026-03-29T00:00"), 2.0));
        TrendSpec hours = trend(p, "a", SeriesMath.UNIQUE_USERS, null, List.of(isNotSet("plan")), null, Interval.HOUR, BERLIN,
                "2026-03-28T22:00:00Z", "2026-03-29T23:00:00Z");
        // 02:00 does not exist that night: 01:59 CET is followed by 03:00 CEST
        assertThat(engine.series(hours)).containsExactlyInAnyOrderEntriesOf(Map.of(LocalDateTime.parse("2026-03-28T23:00"), 1.0,
                LocalDateTime.parse("2026-03-29T00:00"), 1.0, LocalDateTime.parse("2026-03-29T23:00"), 1.0,
                LocalDateTime.parse("2026-03-30T00:00"), 1.0));
    }

    @Test
    void theRepeatedAutumnHourIsOneBucket() {
        String p = project();
        write(track(p, "a", "u1", "2026-10-25T00:30:00Z"), track(p, "a", "u2", "2026-10-25T01:30:00Z"),
                track(p, "a", "u2", "2026-10-25T02:30:00Z"));
        TrendSpec hours = trend(p, "a", SeriesMath.TOTAL, null, List.of(isNotSet("plan")), null, Interval.HOUR, BERLIN,
                "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z");
        assertThat(engine.series(hours)).containsExactlyInAnyOrderEntriesOf(Map.of(LocalDateTime.parse("2026-10-25T02:00"), 2.0,
                LocalDateTime.parse("2026-10-25T03:00"), 1.0));
        TrendSpec day = trend(p, "a", SeriesMath.TOTAL, null, List.of(isNotSet("plan")), null, Interval.DAY, BERLIN,
                "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z");
        assertThat(engine.series(day)).containsExactlyInAnyOrderEntriesOf(Map.of(LocalDateTime.parse("2026-10-25T00:00"), 3.0));
    }

    @Test
    void hoursAndDaysInKolkataAreLocal() {
        String p = project();
        write(track(p, "a", "u1", "2026-03-29T18:29:59Z"), track(p, "a", "u1", "2026-03-29T21:59:59Z"),
                track(p, "a", "u1", "2026-03-29T22:00:00Z"), track(p, "a", "u1", "2026-03-29T22:30:00Z"));
        TrendSpec hours = trend(p, "a", SeriesMath.TOTAL, null, List.of(isNotSet("plan")), null, Interval.HOUR, KOLKATA,
                "2026-03-29T18:00:00Z", "2026-03-29T23:00:00Z");
        // 21:59:59Z is 03:29:59 and 22:00Z is 03:30 in India: one local hour
        assertThat(engine.series(hours)).containsExactlyInAnyOrderEntriesOf(Map.of(LocalDateTime.parse("2026-03-29T23:00"), 1.0,
                LocalDateTime.parse("2026-03-30T03:00"), 2.0, LocalDateTime.parse("2026-03-30T04:00"), 1.0));
        TrendSpec days = trend(p, "a", SeriesMath.TOTAL, null, List.of(isNotSet("plan")), null, Interval.DAY, KOLKATA,
                "2026-03-29T00:00:00Z", "2026-03-31T00:00:00Z");
        assertThat(engine.series(days)).containsExactlyInAnyOrderEntriesOf(Map.of(LocalDateTime.parse("2026-03-29T00:00"), 1.0,
                LocalDateTime.parse("2026-03-30T00:00"), 3.0));
    }

    @Test
    void numericMathSkipsWhatIsNotANumberAndQuantilesTakeIndexFloorQn() {
        String p = project();
        List<Event> events = new ArrayList<>();
        for (String amount : List.of("4", "2", "\"3\"", "1", "\"many\"", "null", "true", "\" 5\"", "\"NaN\"", "\"0x10\"", "\"+5\"", "\".5\"",
                "\"01\"", "{\"x\":1}")) {
            events.add(track(p, "a", "u1", "2026-01-05T10:00:00Z", "{\"amount\":" + amount + "}"));
        }
        events.add(track(p, "a", "u1", "2026-01-05T10:00:00Z", "{}"));
        for (int i = 1; i <= 10; i++) {
            events.add(track(p, "b", "u1", "2026-01-05T10:00:00Z", "{\"amount\":" + (i == 10 ? "1e1" : i + ".0") + "}"));
        }
        events.add(track(p, "c", "u1", "2026-01-05T10:00:00Z", "{\"amount\":\"none\"}"));
        write(events.toArray(Event[]::new));
        // "for p50 of 1, 2, 3, 4 that is 3"
        assertThat(math(p, "a", SeriesMath.P50)).isEqualTo(3.0);
        assertThat(math(p, "a", SeriesMath.P90)).isEqualTo(4.0);
        assertThat(math(p, "a", SeriesMath.P99)).isEqualTo(4.0);
        assertThat(math(p, "a", SeriesMath.SUM)).isEqualTo(10.0);
        assertThat(math(p, "a", SeriesMath.AVG)).isEqualTo(2.5);
        assertThat(math(p, "a", SeriesMath.MIN)).isEqualTo(1.0);
        assertThat(math(p, "a", SeriesMath.MAX)).isEqualTo(4.0);
        // ten values 1..10: indexes floor(5) = 5, floor(9) = 9 and floor(9.9) = 9
        assertThat(math(p, "b", SeriesMath.P50)).isEqualTo(6.0);
        assertThat(math(p, "b", SeriesMath.P90)).isEqualTo(10.0);
        assertThat(math(p, "b", SeriesMath.P99)).isEqualTo(10.0);
        assertThat(math(p, "b", SeriesMath.SUM)).isEqualTo(55.0);
        // a bucket with events but no numbers is 0
        assertThat(math(p, "c", SeriesMath.AVG)).isZero();
        assertThat(math(p, "c", SeriesMath.P50)).isZero();
    }

    @Test
    void filtersFollowTheTableOfOperators() {
        String p = project();
        write(track(p, "a", "u1", "2026-01-05T10:00:00Z", "{\"plan\":\"pro\",\"amount\":9.50}"),
                track(p, "a", "u2", "2026-01-05T10:00:00Z", "{\"plan\":null}"),
                track(p, "a", "u3", "2026-01-05T10:00:00Z", "{}"),
                track(p, "a", "u4", "2026-01-05T10:00:00Z", "{\"plan\":\"Pro\"}"),
                track(p, "a", "u5", "2026-01-05T10:00:00Z", "{\"plan\":\"pro plus\",\"amount\":\"n/a\"}"),
                track(p, "a", "u6", "2026-01-05T10:00:00Z", "{\"amount\":\"10\"}"));
        Map<Filter, Double> expected = new LinkedHashMap<>();
        expected.put(filter("plan", FilterOp.EQ, FilterValue.text("pro")), 1.0);
        expected.put(filter("plan", FilterOp.NEQ, FilterValue.text("pro")), 5.0);
        expected.put(filter("plan", FilterOp.IN, FilterValue.text("pro"), FilterValue.text("Pro")), 2.0);
        expected.put(filter("plan", FilterOp.NOT_IN, FilterValue.text("pro"), FilterValue.text("Pro")), 4.0);
        expected.put(filter("plan", FilterOp.CONTAINS, FilterValue.text("pro")), 2.0);
        expected.put(filter("plan", FilterOp.NOT_CONTAINS, FilterValue.text("pro")), 4.0);
        expected.put(filter("plan", FilterOp.CONTAINS, FilterValue.text("")), 4.0);
        expected.put(filter("plan", FilterOp.IS_SET), 4.0);
        expected.put(filter("plan", FilterOp.IS_NOT_SET), 2.0);
        expected.put(filter("plan", FilterOp.EQ, FilterValue.text("null")), 1.0);
        expected.put(filter("amount", FilterOp.GT, FilterValue.number("9")), 2.0);
        expected.put(filter("amount", FilterOp.EQ, FilterValue.number("9.5")), 1.0);
        expected.put(filter("amount", FilterOp.EQ, FilterValue.text("9.5")), 0.0);
        expected.put(filter("amount", FilterOp.EQ, FilterValue.text("9.50")), 1.0);
        expected.put(filter("amount", FilterOp.LT, FilterValue.number("100")), 2.0);
        expected.put(filter("amount", FilterOp.GTE, FilterValue.number("10")), 1.0);
        expected.put(filter("amount", FilterOp.LTE, FilterValue.number("1e400")), 2.0);
        expected.put(filter("amount", FilterOp.IN, FilterValue.number("10"), FilterValue.text("n/a")), 2.0);
        expected.put(filter("amount", FilterOp.IN, FilterValue.number("10"), FilterValue.number("9.5")), 2.0);
        expected.put(filter("amount", FilterOp.NEQ, FilterValue.number("10.0")), 5.0);
        expected.put(filter("userId", FilterOp.IN, FilterValue.text("u1"), FilterValue.text("u6")), 2.0);
        expected.put(filter("anonymousId", FilterOp.IS_SET), 0.0);
        expected.put(filter("distinctId", FilterOp.NEQ, FilterValue.text("u1")), 5.0);
        expected.put(filter("event", FilterOp.EQ, FilterValue.text("a")), 6.0);
        expected.forEach((f, count) -> {
            TrendSpec spec = trend(p, "a", SeriesMath.TOTAL, null, List.of(f), null, Interval.DAY, ZoneOffset.UTC, JAN5, JAN12);
            assertThat(engine.series(spec).getOrDefault(DAY, 0.0)).as(f.toString()).isEqualTo(count);
        });
    }

    @Test
    void breakdownKeepsTheBiggestValuesTiesBySmallerTextAndGathersTheRest() {
        String p = project();
        write(plan(p, "b", "u1", 1), plan(p, "b", "u2", 2), plan(p, "a", "u1", 3), plan(p, "c", "u1", 4), plan(p, "c", "u3", 5),
                plan(p, null, "u4", 6), plan(p, "d", "u3", 7));
        Breakdown top2 = new Breakdown(PropertyRef.parse("plan"), 2);
        assertThat(engine.trend(trend(p, "a", SeriesMath.TOTAL, null, List.of(), top2, Interval.DAY, ZoneOffset.UTC, JAN5, JAN12)))
                .isEqualTo(Map.of("b", Map.of(DAY, 2.0), "c", Map.of(DAY, 2.0), Breakdown.OTHER, Map.of(DAY, 3.0)));
        // "$other ... unique_users is the number of distinct ids among them, not a sum": u1, u3, u4
        assertThat(engine.trend(trend(p, "a", SeriesMath.UNIQUE_USERS, null, List.of(), top2, Interval.DAY, ZoneOffset.UTC, JAN5, JAN12)))
                .isEqualTo(Map.of("b", Map.of(DAY, 2.0), "c", Map.of(DAY, 2.0), Breakdown.OTHER, Map.of(DAY, 3.0)));
        // $none sorts before a and d ('$' < 'a'); $other's sum is over its events together: 3 + 7
        Breakdown top3 = new Breakdown(PropertyRef.parse("plan"), 3);
        assertThat(engine.trend(trend(p, "a", SeriesMath.SUM, "n", List.of(), top3, Interval.DAY, ZoneOffset.UTC, JAN5, JAN12)))
                .isEqualTo(Map.of("b", Map.of(DAY, 3.0), "c", Map.of(DAY, 9.0), Breakdown.NONE, Map.of(DAY, 6.0),
                        Breakdown.OTHER, Map.of(DAY, 10.0)));
        // every value fits: no $other
        assertThat(engine.trend(trend(p, "a", SeriesMath.TOTAL, null, List.of(), new Breakdown(PropertyRef.parse("plan"), 10), Interval.DAY,
                ZoneOffset.UTC, JAN5, JAN12)).keySet()).containsExactlyInAnyOrder("a", "b", "c", "d", Breakdown.NONE);
    }

    @Test
    void hostileKeysAndValuesAreMatchedExactly() {
        String p = project();
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put("it's", "O'Brien");
        hostile.put("back\\slash", "C:\\temp\\");
        hostile.put("dotted.key", "x.y");
        hostile.put("$set", "$none");
        hostile.put("quote\"d", "say \"hi\"");
        hostile.put("new\nline", "tab\there\u0001");
        hostile.put("ünï", "ü 😀");
        hostile.put("sql') OR 1=1 --", "'; DROP TABLE events; --");
        int i = 0;
        for (Map.Entry<String, String> kv : hostile.entrySet()) {
            write(track(p, "a", "u" + i++, "2026-01-05T10:00:00Z", json(Map.of(kv.getKey(), kv.getValue(), "k", kv.getValue()))));
        }
        for (Map.Entry<String, String> kv : hostile.entrySet()) {
            Filter eq = new Filter(new PropertyRef.EventProperty(kv.getKey()), FilterOp.EQ, List.of(FilterValue.text(kv.getValue())));
            assertThat(count(p, eq)).as(kv.getKey()).isEqualTo(1.0);
            Filter contains = new Filter(new PropertyRef.EventProperty(kv.getKey()), FilterOp.CONTAINS,
                    List.of(FilterValue.text(kv.getValue().substring(1))));
            assertThat(count(p, contains)).as(kv.getKey()).isEqualTo(1.0);
            assertThat(count(p, new Filter(new PropertyRef.EventProperty(kv.getKey()), FilterOp.IS_SET, List.of()))).isEqualTo(1.0);
        }
        // the value text is exact in a breakdown too ("$none" as text merges with the missing value, by definition)
        Map<String, Map<LocalDateTime, Double>> byValue = engine.trend(trend(p, "a", SeriesMath.TOTAL, null, List.of(),
                new Breakdown(new PropertyRef.EventProperty("k"), 100), Interval.DAY, ZoneOffset.UTC, JAN5, JAN12));
        assertThat(byValue.keySet()).containsExactlyInAnyOrderElementsOf(hostile.values());
        Map<String, Map<LocalDateTime, Double>> byQuoteKey = engine.trend(trend(p, "a", SeriesMath.TOTAL, null, List.of(),
                new Breakdown(new PropertyRef.EventProperty("it's"), 1), Interval.DAY, ZoneOffset.UTC, JAN5, JAN12));
        assertThat(byQuoteKey).isEqualTo(Map.of(Breakdown.NONE, Map.of(DAY, 7.0), Breakdown.OTHER, Map.of(DAY, 1.0)));
    }

    @Test
    void contextPathsReadHotColumnsNestedLeavesAndWholeObjects() {
        String p = project();
        write(event(p, EventType.TRACK, "a", "u1", null, null, "2026-01-05T10:00:00Z", "{}",
                        "{\"page\":{\"url\":\"https://x.test/a?q='1'\",\"path\":\"/a\"},\"screen\":{\"width\":1920},\"library\":{\"name\":\"web\",\"version\":\"1.2\"}}"),
                event(p, EventType.TRACK, "a", "u2", null, null, "2026-01-05T10:00:00Z", "{}", "{\"page\":{\"url\":\"u\"},\"screen\":{\"width\":\"small\"}}"),
                event(p, EventType.TRACK, "a", "u3", null, null, "2026-01-05T10:00:00Z", "{}", "{\"locale\":\"de-DE\"}"));
        assertThat(count(p, filter("context.page.url", FilterOp.CONTAINS, FilterValue.text("?q='1'")))).isEqualTo(1.0);
        assertThat(count(p, filter("context.screen.width", FilterOp.GT, FilterValue.number("1000")))).isEqualTo(1.0);
        assertThat(count(p, filter("context.screen.width", FilterOp.NEQ, FilterValue.number("1920")))).isEqualTo(2.0);
        assertThat(count(p, filter("context.page", FilterOp.IS_SET))).isEqualTo(2.0);
        assertThat(count(p, filter("context.screen", FilterOp.IS_NOT_SET))).isEqualTo(1.0);
        assertThat(count(p, filter("context.locale", FilterOp.EQ, FilterValue.text("de-DE")))).isEqualTo(1.0);
        assertThat(engine.trend(trend(p, "a", SeriesMath.TOTAL, null, List.of(), new Breakdown(PropertyRef.parse("context.page"), 5),
                Interval.DAY, ZoneOffset.UTC, JAN5, JAN12))).isEqualTo(Map.of(
                "{\"url\":\"https://x.test/a?q='1'\",\"path\":\"/a\"}", Map.of(DAY, 1.0), "{\"url\":\"u\"}", Map.of(DAY, 1.0),
                Breakdown.NONE, Map.of(DAY, 1.0)));
        assertThat(engine.trend(trend(p, "a", SeriesMath.TOTAL, null, List.of(), new Breakdown(PropertyRef.parse("context.screen"), 5),
                Interval.DAY, ZoneOffset.UTC, JAN5, JAN12))).isEqualTo(Map.of(
                "{\"width\":1920}", Map.of(DAY, 1.0), "{\"width\":\"small\"}", Map.of(DAY, 1.0), Breakdown.NONE, Map.of(DAY, 1.0)));
    }

    @Test
    void nestedValuesAreCompactJsonWithNumbersAsWritten() {
        String p = project();
        write(track(p, "a", "u1", "2026-01-05T10:00:00Z", "{\"tags\": {\"price\": 9.50, \"list\": [1e2, \"x\", null, true]}}"));
        assertThat(count(p, filter("tags", FilterOp.EQ, FilterValue.text("{\"price\":9.50,\"list\":[1e2,\"x\",null,true]}")))).isEqualTo(1.0);
        assertThat(count(p, filter("tags", FilterOp.CONTAINS, FilterValue.text("9.50")))).isEqualTo(1.0);
    }

    @Test
    void reInsertedRowsCountOnce() {
        String p = project();
        List<Event> events = List.of(plan(p, "b", "u1", 2), plan(p, "b", "u2", 3), plan(p, "a", "u1", 4));
        write(events.toArray(Event[]::new));
        // what a crash between the row insert and the id insert leaves: the same rows twice (decision 005)
        store.http().insertJsonEachRow("events", EventRows.events(List.of(events.get(2))));
        store.http().insertJsonEachRow("events", EventRows.events(List.of(events.get(2))));
        Breakdown top1 = new Breakdown(PropertyRef.parse("plan"), 1);
        assertThat(engine.trend(trend(p, "a", SeriesMath.TOTAL, null, List.of(), top1, Interval.DAY, ZoneOffset.UTC, JAN5, JAN12)))
                .isEqualTo(Map.of("b", Map.of(DAY, 2.0), Breakdown.OTHER, Map.of(DAY, 1.0)));
        // the ranking counts events once too: b (2 events) stays, a (1 event, stored 3 times) is $other
        assertThat(engine.trend(trend(p, "a", SeriesMath.UNIQUE_USERS, null, List.of(), top1, Interval.DAY, ZoneOffset.UTC, JAN5, JAN12)))
                .isEqualTo(Map.of("b", Map.of(DAY, 2.0), Breakdown.OTHER, Map.of(DAY, 1.0)));
        assertThat(engine.series(trend(p, "a", SeriesMath.SUM, "n", List.of(), null, Interval.DAY, ZoneOffset.UTC, JAN5, JAN12)))
                .isEqualTo(Map.of(DAY, 9.0));
        assertThat(engine.series(trend(p, "a", SeriesMath.AVG, "n", List.of(), null, Interval.DAY, ZoneOffset.UTC, JAN5, JAN12)))
                .isEqualTo(Map.of(DAY, 3.0));
        assertThat(engine.funnel(funnel(p, FunnelOrder.ORDERED, Duration.ofDays(1), "a", "a")).get(QueryEngine.NO_BREAKDOWN).get(0).count())
                .isEqualTo(2);
    }

    // ---- funnels ----

    @Test
    void funnelWorkedExample() {
        String p = project();
        write(track(p, "view", "A", "2026-01-05T10:00:00Z"), track(p, "cart", "A", "2026-01-05T10:05:00Z"),
                track(p, "view", "A", "2026-01-05T11:00:00Z"), track(p, "buy", "A", "2026-01-05T11:10:00Z"),
                track(p, "view", "B", "2026-01-05T10:00:00Z"), track(p, "buy", "B", "2026-01-05T10:01:00Z"),
                track(p, "cart", "B", "2026-01-05T10:02:00Z"));
        // "Counts: view 2, cart 2, buy 1; median time cart→buy: 3,900 s"; view→cart is A 300 s and B 120 s, upper median 300
        assertThat(engine.funnel(funnel(p, FunnelOrder.ORDERED, Duration.ofDays(1), "view", "cart", "buy")))
                .isEqualTo(Map.of(QueryEngine.NO_BREAKDOWN, List.of(new FunnelStepResult(2, 0, 0), new FunnelStepResult(2, 300, 210),
                        new FunnelStepResult(1, 3900, 3900))));
    }

    @Test
    void stepsMustBeStrictlyLaterToTheMicrosecondAndTheWindowIsInclusive() {
        String p = project();
        write(track(p, "signup", "u1", "2026-01-05T10:00:00Z"), track(p, "purchase", "u1", "2026-01-05T10:00:00Z"),
                track(p, "signup", "u2", "2026-01-05T10:00:00.000001Z"), track(p, "purchase", "u2", "2026-01-05T10:30:00.000001Z"),
                track(p, "signup", "u3", "2026-01-05T10:00:00Z"), track(p, "purchase", "u3", "2026-01-05T10:30:00.000001Z"),
                track(p, "signup", "u4", "2026-01-05T10:00:00.000001Z"), track(p, "purchase", "u4", "2026-01-05T10:00:00.000002Z"),
                // entries lie in [from, to), later steps may fall after to
                track(p, "signup", "u5", "2026-01-11T23:59:59.999999Z"), track(p, "purchase", "u5", "2026-01-12T00:10:00Z"),
                track(p, "signup", "u6", "2026-01-12T00:00:00Z"), track(p, "purchase", "u6", "2026-01-12T00:10:00Z"));
        Map<String, List<FunnelStepResult>> result = engine.funnel(funnel(p, FunnelOrder.ORDERED, Duration.ofMinutes(30), "signup", "purchase"));
        // u1 (same instant) and u3 (1 µs beyond the window) do not convert; u2 (on the bound), u4 (1 µs later) and u5 do
        List<FunnelStepResult> steps = result.get(QueryEngine.NO_BREAKDOWN);
        assertThat(steps.get(0).count()).isEqualTo(5);
        assertThat(steps.get(1).count()).isEqualTo(3);
        assertThat(steps.get(1).medianSecondsFromPrevious()).isEqualTo(600.000001);
        assertThat(steps.get(1).averageSecondsFromPrevious()).isCloseTo((1800 + 0.000001 + 600.000001) / 3, within(1e-9));
    }

    @Test
    void strictUnorderedAndExclusions() {
        String p = project();
        write(track(p, "a", "u1", "2026-01-05T10:00:00Z"), track(p, "other", "u1", "2026-01-05T10:01:00Z"), track(p, "b", "u1", "2026-01-05T10:02:00Z"),
                track(p, "a", "u2", "2026-01-05T10:00:00Z"), track(p, "b", "u2", "2026-01-05T10:03:00Z"),
                track(p, "b", "u3", "2026-01-05T10:00:00Z"), track(p, "a", "u3", "2026-01-05T10:04:00Z"),
                // strict: an event at the very instant of step 1 is not between; the next instant holds a b
                track(p, "a", "u4", "2026-01-05T10:00:00Z"), track(p, "other", "u4", "2026-01-05T10:00:00Z"), track(p, "b", "u4", "2026-01-05T10:05:00Z"));
        assertThat(engine.funnel(funnel(p, FunnelOrder.ORDERED, Duration.ofHours(1), "a", "b")).get(""))
                .containsExactly(new FunnelStepResult(4, 0, 0), new FunnelStepResult(3, 180, 200));
        assertThat(engine.funnel(funnel(p, FunnelOrder.STRICT, Duration.ofHours(1), "a", "b")).get(""))
                .containsExactly(new FunnelStepResult(4, 0, 0), new FunnelStepResult(2, 300, 240));
        assertThat(engine.funnel(funnel(p, FunnelOrder.UNORDERED, Duration.ofHours(1), "a", "b")).get(""))
                .containsExactly(new FunnelStepResult(4, 0, 0), new FunnelStepResult(4, 0, 0));
        // u1's chain has "other" strictly between a and b: discarded, and u1 has no other chain
        FunnelSpec excluded = new FunnelSpec(p, List.of(EventMatcher.named("a"), EventMatcher.named("b")), Duration.ofHours(1), FunnelOrder.ORDERED,
                List.of(new FunnelExclusion(EventMatcher.named("other"), 1, 2)), List.of(), null, JAN5, JAN12);
        assertThat(engine.funnel(excluded).get("")).containsExactly(new FunnelStepResult(3, 0, 0), new FunnelStepResult(2, 300, 240));
    }

    @Test
    void theBestChainIsTheDeepestThenTheEarliestEntry() {
        String p = project();
        // the first entry's window closes before c; the second entry reaches c
        write(track(p, "a", "u1", "2026-01-05T10:00:00Z"), track(p, "b", "u1", "2026-01-05T10:30:00Z"), track(p, "a", "u1", "2026-01-05T10:40:00Z"),
                track(p, "b", "u1", "2026-01-05T10:50:00Z"), track(p, "c", "u1", "2026-01-05T11:20:00Z"));
        assertThat(engine.funnel(funnel(p, FunnelOrder.ORDERED, Duration.ofHours(1), "a", "b", "c")).get(""))
                .containsExactly(new FunnelStepResult(1, 0, 0), new FunnelStepResult(1, 600, 600), new FunnelStepResult(1, 1800, 1800));
    }

    @Test
    void peopleBehindAnonymousIdsAndAliases() {
        String p = project();
        write(
                // "anonymousId a1 views a page on Monday, then signs up with identify(userId u1, anonymousId a1) on Tuesday and buys on Wednesday as u1"
                event(p, EventType.TRACK, "page viewed", null, "a1", null, "2026-01-05T09:00:00Z", "{}", "{}"),
                event(p, EventType.IDENTIFY, "$identify", "u1", "a1", null, "2026-01-06T09:00:00Z", "{}", "{}"),
                event(p, EventType.TRACK, "purchase", "u1", null, null, "2026-01-07T09:00:00Z", "{}", "{}"),
                // an alias links its previousId
                event(p, EventType.TRACK, "page viewed", null, "old2", null, "2026-01-05T09:00:00Z", "{}", "{}"),
                event(p, EventType.ALIAS, "$alias", "u2", null, "old2", "2026-01-08T09:00:00Z", "{}", "{}"),
                event(p, EventType.TRACK, "purchase", "u2", null, null, "2026-01-05T10:00:00Z", "{}", "{}"),
                // a3 was linked to u3 first and to u4 later: u3 wins; a5 was linked at one instant to u6 and u5: u5 wins
                event(p, EventType.TRACK, "page viewed", null, "a3", null, "2026-01-05T09:00:00Z", "{}", "{}"),
                event(p, EventType.IDENTIFY, "$identify", "u4", "a3", null, "2026-01-09T09:00:00Z", "{}", "{}"),
                event(p, EventType.IDENTIFY, "$identify", "u3", "a3", null, "2026-01-08T09:00:00Z", "{}", "{}"),
                event(p, EventType.TRACK, "purchase", "u3", null, null, "2026-01-05T10:00:00Z", "{}", "{}"),
                event(p, EventType.TRACK, "purchase", "u4", null, null, "2026-01-05T10:00:00Z", "{}", "{}"),
                event(p, EventType.TRACK, "page viewed", null, "a5", null, "2026-01-05T09:00:00Z", "{}", "{}"),
                event(p, EventType.IDENTIFY, "$identify", "u6", "a5", null, "2026-01-08T09:00:00Z", "{}", "{}"),
                event(p, EventType.IDENTIFY, "$identify", "u5", "a5", null, "2026-01-08T09:00:00Z", "{}", "{}"),
                event(p, EventType.TRACK, "purchase", "u5", null, null, "2026-01-05T11:00:00Z", "{}", "{}"),
                event(p, EventType.TRACK, "purchase", "u6", null, null, "2026-01-05T10:00:00Z", "{}", "{}"),
                // links do not chain: a7 belongs to u7 even though u7 is also an anonymous id linked to u8
                event(p, EventType.TRACK, "page viewed", null, "a7", null, "2026-01-05T09:00:00Z", "{}", "{}"),
                event(p, EventType.IDENTIFY, "$identify", "u7", "a7", null, "2026-01-10T09:00:00Z", "{}", "{}"),
                event(p, EventType.IDENTIFY, "$identify", "u8", "u7", null, "2026-01-10T09:00:00Z", "{}", "{}"),
                event(p, EventType.TRACK, "purchase", "u8", null, null, "2026-01-05T10:00:00Z", "{}", "{}"));
        // entries: a1 as u1, old2 as u2, a3 as u3, a5 as u5, a7 as u7; u1, u2, u3 and u5 buy after their view (u7 does not: u8 is not u7);
        // the gaps 3600, 3600, 7200 and 172800 s have the upper median 7200
        assertThat(engine.funnel(funnel(p, FunnelOrder.ORDERED, Duration.ofDays(7), "page viewed", "purchase")).get(""))
                .containsExactly(new FunnelStepResult(5, 0, 0), new FunnelStepResult(4, 7200, (172800 + 3600 + 3600 + 7200) / 4.0));
    }

    /** Many linked ids (the query joins their links), and a funnel whose events all have a user id (no join). */
    @Test
    void peopleAreResolvedWithAndWithoutTheLinkJoin() {
        String p = project();
        int people = 1_200;
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < people; i++) {
            events.add(event(p, EventType.TRACK, "view", null, "anon" + i, null, "2026-01-05T10:00:00Z", "{}", "{}"));
            events.add(event(p, EventType.IDENTIFY, "$identify", "user" + i, "anon" + i, null, "2026-01-05T11:00:00Z", "{}", "{}"));
            events.add(event(p, EventType.TRACK, "buy", "user" + i, null, null, "2026-01-05T12:00:00Z", "{}", "{}"));
        }
        write(events.toArray(Event[]::new));
        assertThat(engine.funnel(funnel(p, FunnelOrder.ORDERED, Duration.ofDays(1), "view", "buy")).get(""))
                .containsExactly(new FunnelStepResult(people, 0, 0), new FunnelStepResult(people, 7200, 7200));
        RetentionSpec retention = new RetentionSpec(p, EventMatcher.named("view"), EventMatcher.named("buy"), Interval.DAY, 1, CohortType.FIRST_TIME,
                List.of(), ZoneOffset.UTC, JAN5, Instant.parse("2026-01-06T00:00:00Z"));
        assertThat(engine.retention(retention)).containsExactly(new Cohort(DAY, people, List.of((long) people, 0L)));
        assertThat(engine.funnel(funnel(p, FunnelOrder.ORDERED, Duration.ofDays(1), "$identify", "buy")).get(""))
                .containsExactly(new FunnelStepResult(people, 0, 0), new FunnelStepResult(people, 3600, 3600));
    }

    @Test
    void funnelBreakdownUsesTheEntryValueKeepsTheTopAndGathersTheRest() {
        String p = project();
        write(
                // u1 enters twice at one instant with two plans: the smaller text, "a", is the entry's value
                plan(p, "b", "u1", "view", "2026-01-05T10:00:00Z"), plan(p, "a", "u1", "view", "2026-01-05T10:00:00Z"),
                plan(p, "zzz", "u1", "buy", "2026-01-05T10:05:00Z"),
                plan(p, "b", "u2", "view", "2026-01-05T10:00:00Z"), plan(p, "b", "u3", "view", "2026-01-05T10:00:00Z"),
                plan(p, "b", "u3", "buy", "2026-01-05T10:01:00Z"),
                plan(p, "c", "u4", "view", "2026-01-05T10:00:00Z"), plan(p, "c", "u4", "buy", "2026-01-05T10:10:00Z"),
                plan(p, null, "u5", "view", "2026-01-05T10:00:00Z"), plan(p, "d", "u6", "view", "2026-01-05T10:00:00Z"));
        FunnelSpec byPlan = new FunnelSpec(p, List.of(EventMatcher.named("view"), EventMatcher.named("buy")), Duration.ofDays(1), FunnelOrder.ORDERED,
                List.of(), List.of(), new Breakdown(PropertyRef.parse("plan"), 2), JAN5, JAN12);
        // people at step 1: b 2, then a, c, d, $none 1 each: $none is the smallest text ('$' < 'a')
        assertThat(engine.funnel(byPlan)).isEqualTo(Map.of(
                "b", List.of(new FunnelStepResult(2, 0, 0), new FunnelStepResult(1, 60, 60)),
                Breakdown.NONE, List.of(new FunnelStepResult(1, 0, 0), new FunnelStepResult(0, 0, 0)),
                Breakdown.OTHER, List.of(new FunnelStepResult(3, 0, 0), new FunnelStepResult(2, 600, 450))));
    }

    // ---- retention ----

    @Test
    void retentionWorkedExampleAndEmptyCohorts() {
        String p = project();
        // "U signs up Sunday 2026-03-29 23:30 local (the Monday-based week of 23 March) and logs in Monday 00:10"
        write(track(p, "signup", "U", "2026-03-29T21:30:00Z"), track(p, "login", "U", "2026-03-29T22:10:00Z"));
        RetentionSpec spec = new RetentionSpec(p, EventMatcher.named("signup"), EventMatcher.named("login"), Interval.WEEK, 2, CohortType.FIRST_TIME,
                List.of(), BERLIN, Instant.parse("2026-03-22T23:00:00Z"), Instant.parse("2026-04-05T22:00:00Z"));
        assertThat(engine.retention(spec)).containsExactly(new Cohort(LocalDateTime.parse("2026-03-23T00:00"), 1, List.of(0L, 1L, 0L)),
                new Cohort(LocalDateTime.parse("2026-03-30T00:00"), 0, List.of(0L, 0L, 0L)));
    }

    @Test
    void retentionCohortsFirstTimeAndRecurring() {
        String p = project();
        write(
                // u1: first signup before the range, so no first_time cohort; recurring counts the signups in range
                track(p, "signup", "u1", "2026-01-01T10:00:00Z"), track(p, "signup", "u1", "2026-01-05T12:00:00Z"),
                track(p, "login", "u1", "2026-01-05T11:00:00Z"), track(p, "login", "u1", "2026-01-06T11:00:00Z"),
                // u2: a login before the signup on the same day does not retain day 0; one at the signup's instant does
                track(p, "login", "u2", "2026-01-05T08:00:00Z"), track(p, "signup", "u2", "2026-01-05T09:00:00Z"),
                track(p, "signup", "u2", "2026-01-07T09:00:00Z"), track(p, "login", "u2", "2026-01-07T09:00:00Z"),
                track(p, "login", "u2", "2026-01-09T23:00:00Z"));
        Instant from = Instant.parse("2026-01-05T00:00:00Z");
        Instant to = Instant.parse("2026-01-08T00:00:00Z");
        RetentionSpec firstTime = new RetentionSpec(p, EventMatcher.named("signup"), EventMatcher.named("login"), Interval.DAY, 4,
                CohortType.FIRST_TIME, List.of(), ZoneOffset.UTC, from, to);
        assertThat(engine.retention(firstTime)).containsExactly(
                new Cohort(LocalDateTime.parse("2026-01-05T00:00"), 1, List.of(0L, 0L, 1L, 0L, 1L)),
                new Cohort(LocalDateTime.parse("2026-01-06T00:00"), 0, List.of(0L, 0L, 0L, 0L, 0L)),
                new Cohort(LocalDateTime.parse("2026-01-07T00:00"), 0, List.of(0L, 0L, 0L, 0L, 0L)));
        RetentionSpec recurring = new RetentionSpec(p, EventMatcher.named("signup"), EventMatcher.named("login"), Interval.DAY, 4,
                CohortType.RECURRING, List.of(), ZoneOffset.UTC, from, to);
        // 5 Jan: u1 (login 11:00 before signup 12:00: not day 0; 6 Jan: day 1) and u2 (day 2: 7 Jan; day 4: 9 Jan); 7 Jan: u2 (day 0 at the same instant, day 2)
        assertThat(engine.retention(recurring)).containsExactly(
                new Cohort(LocalDateTime.parse("2026-01-05T00:00"), 2, List.of(0L, 1L, 1L, 0L, 1L)),
                new Cohort(LocalDateTime.parse("2026-01-06T00:00"), 0, List.of(0L, 0L, 0L, 0L, 0L)),
                new Cohort(LocalDateTime.parse("2026-01-07T00:00"), 1, List.of(1L, 0L, 1L, 0L, 0L)));
    }

    @Test
    void retentionMonthsAndDaysAreLocal() {
        String p = project();
        // 2026-01-31T19:00Z is 1 February 00:30 in Kolkata; 2026-02-28T18:00Z is 23:30 on 28 February
        write(track(p, "signup", "u1", "2026-01-31T19:00:00Z"), track(p, "login", "u1", "2026-02-28T18:00:00Z"),
                track(p, "login", "u1", "2026-02-28T18:30:00Z"));
        RetentionSpec months = new RetentionSpec(p, EventMatcher.named("signup"), EventMatcher.named("login"), Interval.MONTH, 1,
                CohortType.FIRST_TIME, List.of(), KOLKATA, Instant.parse("2026-01-15T00:00:00Z"), Instant.parse("2026-02-15T00:00:00Z"));
        assertThat(engine.retention(months)).containsExactly(new Cohort(LocalDateTime.parse("2026-01-01T00:00"), 0, List.of(0L, 0L)),
                new Cohort(LocalDateTime.parse("2026-02-01T00:00"), 1, List.of(1L, 1L)));
    }

    // ---- refusals ----

    @Test
    void specsClickHouseCannotAnswerAreRefusedNamingTheField() {
        TrendSpec halfHourOffset = trend("x", "a", SeriesMath.SUM, "n", List.of(), null, Interval.DAY, ZoneOffset.ofHoursMinutes(5, 30), JAN5, JAN12);
        assertThatThrownBy(() -> engine.trend(halfHourOffset)).isInstanceOfSatisfying(TallyException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_QUERY);
            assertThat(e.field()).contains("timezone");
        });
        FunnelSpec endless = new FunnelSpec("x", List.of(EventMatcher.named("a"), EventMatcher.named("b")), Duration.ofDays(365_000),
                FunnelOrder.ORDERED, List.of(), List.of(), null, JAN5, JAN12);
        assertThatThrownBy(() -> engine.funnel(endless)).isInstanceOfSatisfying(TallyException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_QUERY);
            assertThat(e.field()).contains("window");
        });
    }

    // ---- helpers ----

    private static String project() {
        return "s" + PROJECTS.incrementAndGet();
    }

    private static void write(Event... events) {
        store.write(List.of(events), Map.of());
    }

    private static Event track(String project, String name, String user, String at) {
        return track(project, name, user, at, "{}");
    }

    private static Event track(String project, String name, String user, String at, String properties) {
        return event(project, EventType.TRACK, name, user, null, null, at, properties, "{}");
    }

    private static Event event(String project, EventType type, String name, String userId, String anonymousId, String previousId, String at,
                               String properties, String context) {
        Instant instant = Instant.parse(at);
        String distinctId = userId != null ? userId : anonymousId;
        return new Event(project, "m" + MESSAGES.incrementAndGet(), type, name, distinctId, userId, anonymousId, instant, instant, null, null, null,
                null, previousId, properties, "{}", context, null, null);
    }

    private static Event plan(String project, String plan, String user, int n) {
        return track(project, "a", user, "2026-01-05T10:00:00Z", plan == null ? "{\"n\":" + n + "}" : "{\"plan\":\"" + plan + "\",\"n\":" + n + "}");
    }

    private static Event plan(String project, String plan, String user, String name, String at) {
        return track(project, name, user, at, plan == null ? "{}" : "{\"plan\":\"" + plan + "\"}");
    }

    private static String json(Map<String, String> properties) {
        try {
            return JSON.writeValueAsString(properties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Filter filter(String property, FilterOp op, FilterValue... values) {
        return new Filter(PropertyRef.parse(property), op, List.of(values));
    }

    private static Filter isNotSet(String property) {
        return filter(property, FilterOp.IS_NOT_SET);
    }

    private static TrendSpec trend(String project, String event, SeriesMath math, String property, List<Filter> filters, Breakdown breakdown,
                                   Interval interval, ZoneId zone, String from, String to) {
        return trend(project, event, math, property, filters, breakdown, interval, zone, Instant.parse(from), Instant.parse(to));
    }

    private static TrendSpec trend(String project, String event, SeriesMath math, String property, List<Filter> filters, Breakdown breakdown,
                                   Interval interval, ZoneId zone, Instant from, Instant to) {
        return new TrendSpec(project, event, math, property, filters, breakdown, interval, zone, from, to);
    }

    private static double math(String project, String event, SeriesMath math) {
        return engine.series(trend(project, event, math, "amount", List.of(), null, Interval.DAY, ZoneOffset.UTC, JAN5, JAN12)).getOrDefault(DAY, 0.0);
    }

    private static double count(String project, Filter filter) {
        return engine.series(trend(project, "a", SeriesMath.TOTAL, null, List.of(filter), null, Interval.DAY, ZoneOffset.UTC, JAN5, JAN12))
                .getOrDefault(DAY, 0.0);
    }

    private static FunnelSpec funnel(String project, FunnelOrder order, Duration window, String... steps) {
        return new FunnelSpec(project, Stream.of(steps).map(EventMatcher::named).toList(), window, order, List.of(), List.of(), null, JAN5, JAN12);
    }
}
