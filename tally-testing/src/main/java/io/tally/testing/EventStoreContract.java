package io.tally.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.event.Event;
import io.tally.core.query.Interval;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.retention.Retention;
import io.tally.core.retention.RetentionPolicy;
import io.tally.core.spi.EventStore;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.QueryEngine;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link EventStore} must have. A store's test extends this class and says how
 * to open the store and its query engine; the same assertions then run against each real engine.
 */
public abstract class EventStoreContract {
    private static final LogPartition P0 = new LogPartition("tally.events", 0);
    private static final LogPartition P1 = new LogPartition("tally.events", 1);

    @TempDir
    protected Path dir;

    /** Opens (or reopens) the store kept under {@code dir}. */
    protected abstract EventStore openStore(Path dir);

    protected abstract QueryEngine queryEngine(EventStore store);

    @Test
    void storesEventsAndPositionsTogether() {
        try (EventStore store = openStore(dir)) {
            var result = store.write(List.of(event("m1", "signup", "u1"), event("m2", "signup", "u2")), Map.of(P0, 2L));
            assertThat(result.written()).isEqualTo(2);
            assertThat(store.countEvents("p")).isEqualTo(2);
            assertThat(store.positions(Set.of(P0, P1))).containsExactly(Map.entry(P0, 2L));
        }
    }

    @Test
    void aRedeliveredEventIsStoredOnce() {
        try (EventStore store = openStore(dir)) {
            store.write(List.of(event("m1", "signup", "u1")), Map.of(P0, 1L));
            var again = store.write(List.of(event("m1", "signup", "u1"), event("m2", "signup", "u1")), Map.of(P0, 3L));
            assertThat(again.written()).isEqualTo(1);
            assertThat(again.duplicates()).isEqualTo(1);
            assertThat(store.countEvents("p")).isEqualTo(2);
            assertThat(store.positions(Set.of(P0))).containsEntry(P0, 3L);
        }
    }

    @Test
    void repeatsInsideOneBatchAreStoredOnce() {
        try (EventStore store = openStore(dir)) {
            var result = store.write(List.of(event("m1", "a", "u1"), event("m1", "a", "u1"), event("m1", "a", "u1")), Map.of());
            assertThat(result.written()).isEqualTo(1);
            assertThat(store.countEvents("p")).isEqualTo(1);
        }
    }

    @Test
    void theSameMessageIdInTwoProjectsIsTwoEvents() {
        try (EventStore store = openStore(dir)) {
            store.write(List.of(TestEvents.track("p", "m1", "a", "u", Instant.now()),
                    TestEvents.track("q", "m1", "a", "u", Instant.now())), Map.of());
            assertThat(store.countEvents("p")).isEqualTo(1);
            assertThat(store.countEvents("q")).isEqualTo(1);
        }
    }

    @Test
    void dataAndPositionsSurviveReopening() {
        try (EventStore store = openStore(dir)) {
            store.write(List.of(event("m1", "a", "u1")), Map.of(P1, 7L));
        }
        try (EventStore store = openStore(dir)) {
            assertThat(store.countEvents("p")).isEqualTo(1);
            assertThat(store.positions(Set.of(P1))).containsEntry(P1, 7L);
        }
    }

    @Test
    void trendBucketsFollowLocalDaysAcrossDaylightSaving() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // 2026-03-29 is 23 hours long in Berlin: from 23:00 UTC on the 28th to 22:00 UTC on the 29th
        List<Event> events = new ArrayList<>();
        events.add(at("a", "u1", "2026-03-28T23:30:00Z"));
        events.add(at("e", "u1", "2026-03-28T22:59:59Z")); // still the 28th, CET
        events.add(at("b", "u1", "2026-03-29T21:59:59Z"));
        events.add(at("c", "u2", "2026-03-29T22:00:00Z")); // 00:00 on the 30th, CEST
        events.add(at("d", "u2", "2026-03-27T12:00:00Z"));
        try (EventStore store = openStore(dir)) {
            store.write(events, Map.of());
            Instant from = LocalDate.parse("2026-03-27").atStartOfDay(berlin).toInstant();
            Instant to = LocalDate.parse("2026-03-31").atStartOfDay(berlin).toInstant();
            QueryEngine engine = queryEngine(store);
            Map<LocalDateTime, Double> total = engine.series(new TrendSpec("p", "signup", SeriesMath.TOTAL, Interval.DAY, berlin, from, to));
            assertThat(total).containsOnly(
                    Map.entry(LocalDateTime.parse("2026-03-27T00:00"), 1.0),
                    Map.entry(LocalDateTime.parse("2026-03-28T00:00"), 1.0),
                    Map.entry(LocalDateTime.parse("2026-03-29T00:00"), 2.0),
                    Map.entry(LocalDateTime.parse("2026-03-30T00:00"), 1.0));
            Map<LocalDateTime, Double> users = engine.series(new TrendSpec("p", "signup", SeriesMath.UNIQUE_USERS, Interval.WEEK, berlin, from, to));
            assertThat(users).containsOnly(
                    Map.entry(LocalDateTime.parse("2026-03-23T00:00"), 2.0),
                    Map.entry(LocalDateTime.parse("2026-03-30T00:00"), 1.0));
        }
    }

    @Test
    void trendCountsOnlyTheAskedProjectEventAndRange() {
        try (EventStore store = openStore(dir)) {
            store.write(List.of(at("a", "u1", "2026-01-01T10:00:00Z"),
                    TestEvents.track("q", "x", "signup", "u1", Instant.parse("2026-01-01T10:00:00Z")),
                    TestEvents.track("p", "y", "login", "u1", Instant.parse("2026-01-01T10:00:00Z")),
                    at("z", "u1", "2026-01-02T00:00:00Z")), Map.of());
            Map<LocalDateTime, Double> total = queryEngine(store).series(new TrendSpec("p", "signup", SeriesMath.TOTAL,
                    Interval.HOUR, ZoneOffset.UTC, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-02T00:00:00Z")));
            assertThat(total).containsOnly(Map.entry(LocalDateTime.parse("2026-01-01T10:00"), 1.0));
        }
    }

    private static Event event(String messageId, String name, String user) {
        return TestEvents.track("p", messageId, name, user, Instant.parse("2026-01-01T12:00:00Z"));
    }

    private static Event at(String messageId, String user, String timestamp) {
        return TestEvents.track("p", messageId, "signup", user, Instant.parse(timestamp));
    }

    /**
     * Retention never deletes what the policy keeps, deletes each project's expired events (a store may
     * keep them until a whole partition can go, so the oldest ones here are more than a month past
     * their cutoff), and leaves the stored positions alone. Some stores delete in the background, so the
     * counts are awaited, within a bound.
     */
    @Test
    void expireDeletesWhatThePolicyNoLongerKeeps() throws InterruptedException {
        Instant now = Instant.parse("2026-06-15T12:00:00Z");
        RetentionPolicy policy = new RetentionPolicy(Retention.parse("P1Y/P5Y"), Map.of("short", Retention.parse("P30D/P90D")));
        try (EventStore store = openStore(dir)) {
            store.write(List.of(
                    TestEvents.track("p", "old", "signup", "u1", Instant.parse("2025-04-10T00:00:00Z")),
                    TestEvents.track("p", "kept1", "signup", "u1", Instant.parse("2025-06-20T00:00:00Z")),
                    TestEvents.track("p", "kept2", "signup", "u1", Instant.parse("2026-06-01T00:00:00Z")),
                    TestEvents.track("short", "old", "signup", "u1", Instant.parse("2026-04-01T00:00:00Z")),
                    TestEvents.track("short", "kept", "signup", "u1", Instant.parse("2026-06-01T00:00:00Z"))), Map.of(P0, 5L));
            store.expire(policy, now);
            awaitCount(store, "p", 2);
            awaitCount(store, "short", 1);
            assertThat(store.positions(Set.of(P0))).containsEntry(P0, 5L);
            store.expire(policy, now);
            awaitCount(store, "p", 2);
            assertThat(queryEngine(store).series(new TrendSpec("p", "signup", SeriesMath.TOTAL, Interval.MONTH, ZoneOffset.UTC,
                    Instant.parse("2025-06-01T00:00:00Z"), Instant.parse("2026-07-01T00:00:00Z"))))
                    .containsOnly(Map.entry(LocalDateTime.parse("2025-06-01T00:00"), 1.0), Map.entry(LocalDateTime.parse("2026-06-01T00:00"), 1.0));
        }
    }

    private static void awaitCount(EventStore store, String project, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (store.countEvents(project) != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(store.countEvents(project)).as("events of " + project).isEqualTo(expected);
    }
}
