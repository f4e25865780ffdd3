package io.tally.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.query.Interval;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.EventStore;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.QueryEngine;
import io.tally.testing.EventStoreContract;
import io.tally.testing.TestEvents;
import io.tally.testing.TestingClickHouse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared store contract, and ClickHouse's own hazards, against a real clickhouse-server process. */
class ClickHouseEventStoreTest extends EventStoreContract {
    private static final LogPartition P0 = new LogPartition("tally.events", 0);
    private static TestingClickHouse server;

    @BeforeAll
    static void startServer() {
        server = TestingClickHouse.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected EventStore openStore(Path dir) {
        return new ClickHouseEventStore(TestDatabases.settings(server, dir), Clock.systemUTC());
    }

    @Override
    protected QueryEngine queryEngine(EventStore store) {
        return new ClickHouseQueryEngine((ClickHouseEventStore) store);
    }

    @Test
    void aRedeliveryWithAnotherTimestampCountsOnce() {
        try (EventStore store = openStore(dir)) {
            store.write(List.of(TestEvents.track("p", "m1", "signup", "u1", Instant.parse("2026-01-31T23:00:00Z"))), Map.of(P0, 1L));
            // the client's retry, recomputed into another day and another month (so another partition)
            var again = store.write(List.of(TestEvents.track("p", "m1", "signup", "u1", Instant.parse("2026-02-01T01:00:00Z"))), Map.of(P0, 2L));
            assertThat(again.written()).isZero();
            assertThat(again.duplicates()).isEqualTo(1);
            assertThat(store.countEvents("p")).isEqualTo(1);
            Map<LocalDateTime, Double> total = queryEngine(store).series(new TrendSpec("p", "signup", SeriesMath.TOTAL,
                    Interval.DAY, ZoneOffset.UTC, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-03-01T00:00:00Z")));
            assertThat(total).containsOnly(Map.entry(LocalDateTime.parse("2026-01-31T00:00"), 1.0));
        }
    }

    /**
     * The lookup of stored ids reads only the months within the repeat window of the batch's events:
     * copies of one event that far apart count once across a month's end; further apart, they count
     * once only when a batch reads the first copy's month, and twice otherwise (the documented bound,
     * decision 014).
     */
    @Test
    void copiesOfAnEventCountOnceWithinTheRepeatWindow() {
        try (EventStore store = openStore(dir)) {
            store.write(List.of(TestEvents.track("p", "m1", "signup", "u1", Instant.parse("2026-01-28T12:00:00Z")),
                    TestEvents.track("p", "m2", "signup", "u1", Instant.parse("2026-03-02T12:00:00Z")),
                    TestEvents.track("p", "m3", "signup", "u1", Instant.parse("2026-03-20T12:00:00Z"))), Map.of());
            var again = store.write(List.of(
                    TestEvents.track("p", "m1", "signup", "u1", Instant.parse("2026-02-03T12:00:00Z")), // 6 days later, next month
                    TestEvents.track("p", "m2", "signup", "u1", Instant.parse("2026-03-30T12:00:00Z"))), Map.of()); // 28 days later, same month
            assertThat(again.duplicates()).isEqualTo(2);
            // 51 days later and two months on, in a batch of its own (a batch reads the months of all its events)
            assertThat(store.write(List.of(TestEvents.track("p", "m3", "signup", "u1", Instant.parse("2026-05-10T12:00:00Z"))), Map.of())
                    .written()).isEqualTo(1);
        }
        assertThat(ClickHouseEventStore.repeatMonths(Instant.parse("2026-01-03T00:00:00Z")))
                .containsExactly(java.time.LocalDate.parse("2025-12-01"), java.time.LocalDate.parse("2026-01-01"));
        assertThat(ClickHouseEventStore.repeatMonths(Instant.parse("2026-01-15T00:00:00Z"))).containsExactly(java.time.LocalDate.parse("2026-01-01"));
        assertThat(ClickHouseEventStore.repeatMonths(Instant.parse("1969-07-20T20:17:00Z"))).containsExactly(java.time.LocalDate.parse("1970-01-01"));
    }

    /** A crash after the rows insert and before the id and position inserts: the replay inserts the same rows again. */
    @Test
    void aReplayAfterACrashMidWriteCountsOnce() {
        Event event = TestEvents.track("p", "m1", "signup", "u1", Instant.parse("2026-01-05T10:00:00Z"));
        try (ClickHouseEventStore store = (ClickHouseEventStore) openStore(dir)) {
            store.http().insertJsonEachRow("events", EventRows.events(List.of(event)));
            var replay = store.write(List.of(event), Map.of(P0, 1L));
            assertThat(replay.written()).isEqualTo(1);
            assertThat(store.countEvents("p")).isEqualTo(1);
            Map<LocalDateTime, Double> total = queryEngine(store).series(new TrendSpec("p", "signup", SeriesMath.TOTAL,
                    Interval.MONTH, ZoneOffset.UTC, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z")));
            assertThat(total).containsOnly(Map.entry(LocalDateTime.parse("2026-01-01T00:00"), 1.0));
            // and after ClickHouse merged the parts, the duplicate row is gone for good
            store.http().execute("OPTIMIZE TABLE events FINAL");
            assertThat(store.http().select("SELECT count() FROM events").get(0).get(0)).isEqualTo("1");
        }
    }

    @Test
    void hostileStringsAreStoredAndQueriedAsTheyAre() {
        String project = "p'); DROP TABLE events; --\\";
        String name = "sign'up\\\n\t\u0000\"é😀";
        String messageId = "m\\'1\u0000";
        Instant at = Instant.parse("2026-01-05T10:00:00Z");
        try (EventStore store = openStore(dir)) {
            assertThat(store.write(List.of(TestEvents.track(project, messageId, name, "u'\\", at)), Map.of()).written()).isEqualTo(1);
            assertThat(store.write(List.of(TestEvents.track(project, messageId, name, "u'\\", at)), Map.of()).duplicates()).isEqualTo(1);
            assertThat(store.countEvents(project)).isEqualTo(1);
            assertThat(store.countEvents("p")).isZero();
            Map<LocalDateTime, Double> users = queryEngine(store).series(new TrendSpec(project, name, SeriesMath.UNIQUE_USERS,
                    Interval.DAY, ZoneOffset.UTC, at.minusSeconds(3600), at.plusSeconds(3600)));
            assertThat(users).containsOnly(Map.entry(LocalDateTime.parse("2026-01-05T00:00"), 1.0));
        }
    }

    /** ClickHouse refuses JSON with a lone surrogate; such an event must not poison its batch. */
    @Test
    void unpairedSurrogatesDoNotBlockAWrite() {
        Instant at = Instant.parse("2026-01-05T10:00:00Z");
        Event broken = new Event("p", "m\uD800", EventType.TRACK, "signup", "u\uDC00", null, "u\uDC00",
                at, at, null, null, null, null, null, "{\"x\":\"\uD800\"}", "{}", "{}", null, null);
        try (EventStore store = openStore(dir)) {
            assertThat(store.write(List.of(broken, TestEvents.track("p", "ok", "signup", "u1", at)), Map.of()).written()).isEqualTo(2);
            assertThat(store.write(List.of(broken), Map.of()).duplicates()).isEqualTo(1);
            assertThat(store.countEvents("p")).isEqualTo(2);
        }
    }

    /** The id lookup of a big batch is longer than 18.16's default max_query_size and max_ast_elements. */
    @Test
    void aLargeBatchIsDeduplicatedToo() {
        Instant at = Instant.parse("2026-01-05T10:00:00Z");
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            batch.add(TestEvents.track("p", "message-" + i + "-0123456789abcdef", "signup", "u" + (i % 100), at.plusSeconds(i)));
        }
        try (EventStore store = openStore(dir)) {
            assertThat(store.write(batch, Map.of(P0, 60_000L)).written()).isEqualTo(60_000);
            assertThat(store.write(batch, Map.of(P0, 60_000L)).duplicates()).isEqualTo(60_000);
            assertThat(store.countEvents("p")).isEqualTo(60_000);
        }
    }

    @Test
    void rangeBoundsAreExactBelowOneSecond() {
        try (EventStore store = openStore(dir)) {
            store.write(List.of(
                    TestEvents.track("p", "a", "signup", "u1", Instant.parse("2026-01-05T10:00:00.250Z")),
                    TestEvents.track("p", "b", "signup", "u1", Instant.parse("2026-01-05T10:00:00.750Z")),
                    TestEvents.track("p", "c", "signup", "u1", Instant.parse("2026-01-05T10:00:01.499999Z")),
                    TestEvents.track("p", "d", "signup", "u1", Instant.parse("2026-01-05T10:00:01.500Z"))), Map.of());
            Map<LocalDateTime, Double> total = queryEngine(store).series(new TrendSpec("p", "signup", SeriesMath.TOTAL, Interval.HOUR,
                    ZoneOffset.UTC, Instant.parse("2026-01-05T10:00:00.500Z"), Instant.parse("2026-01-05T10:00:01.500Z")));
            assertThat(total).containsOnly(Map.entry(LocalDateTime.parse("2026-01-05T10:00"), 2.0));
        }
    }

    @Test
    void hoursFollowTheZoneIncludingTheRepeatedAutumnHour() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // 2026-10-25: 02:00-03:00 Berlin time happens twice, at 00:xx UTC (CEST) and 01:xx UTC (CET)
        try (EventStore store = openStore(dir)) {
            store.write(List.of(
                    TestEvents.track("p", "a", "signup", "u1", Instant.parse("2026-10-25T00:30:00Z")),
                    TestEvents.track("p", "b", "signup", "u2", Instant.parse("2026-10-25T01:30:00Z")),
                    TestEvents.track("p", "c", "signup", "u2", Instant.parse("2026-10-25T02:30:00Z"))), Map.of());
            QueryEngine engine = queryEngine(store);
            Instant from = Instant.parse("2026-10-24T00:00:00Z");
            Instant to = Instant.parse("2026-10-26T00:00:00Z");
            assertThat(engine.series(new TrendSpec("p", "signup", SeriesMath.TOTAL, Interval.HOUR, berlin, from, to))).containsOnly(
                    Map.entry(LocalDateTime.parse("2026-10-25T02:00"), 2.0),
                    Map.entry(LocalDateTime.parse("2026-10-25T03:00"), 1.0));
            assertThat(engine.series(new TrendSpec("p", "signup", SeriesMath.TOTAL, Interval.HOUR, ZoneId.of("Asia/Kolkata"), from, to)))
                    .containsOnly(
                            Map.entry(LocalDateTime.parse("2026-10-25T06:00"), 1.0),
                            Map.entry(LocalDateTime.parse("2026-10-25T07:00"), 1.0),
                            Map.entry(LocalDateTime.parse("2026-10-25T08:00"), 1.0));
            assertThat(engine.series(new TrendSpec("p", "signup", SeriesMath.UNIQUE_USERS, Interval.MONTH, ZoneOffset.ofHours(-3), from, to)))
                    .containsOnly(Map.entry(LocalDateTime.parse("2026-10-01T00:00"), 2.0));
        }
    }

    @Test
    void theLatestPositionWinsEvenWhenItGoesBack() {
        try (EventStore store = openStore(dir)) {
            store.write(List.of(), Map.of(P0, 10L));
            store.write(List.of(), Map.of(P0, 4L)); // an operator reset the loader: the store follows, like DuckDB
            assertThat(store.positions(Set.of(P0))).containsExactly(Map.entry(P0, 4L));
        }
    }
}
