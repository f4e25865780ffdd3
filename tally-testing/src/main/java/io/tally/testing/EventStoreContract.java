package io.tally.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.ErrorCode;
import io.tally.core.event.Event;
import io.tally.core.event.RejectedEvent;
import io.tally.core.event.EventType;
import io.tally.core.query.RecentEvent;
import io.tally.core.query.RecentEventsSpec;
import io.tally.core.query.Interval;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.retention.Retention;
import io.tally.core.retention.RetentionPolicy;
import io.tally.core.spi.EventStore;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.LoggedRejection;
import io.tally.core.spi.QueryEngine;
import io.tally.core.spi.RejectedEventQueries;
import io.tally.core.spi.RejectedEventQueries.StoredRejection;
import io.tally.core.spi.SavedDocuments;
import io.tally.query.reference.ReferenceQueryEngine;
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

    /**
     * The live view: newest received first, only the asked project and window, each message once, and
     * the properties in the text form of docs/queries.md (numbers as written, nested values as JSON).
     * Times are whole seconds because ClickHouse keeps {@code receivedAt} in seconds.
     */
    @Test
    void recentEventsAreTheNewestReceivedFirst() {
        Instant base = Instant.parse("2026-05-01T12:00:00Z");
        Event first = received(TestEvents.track("p", "r1", "signup", "u1", base), base.plusSeconds(1));
        Event second = received(TestEvents.track("p", "r2", "purchase", "u2", base.plusSeconds(5)), base.plusSeconds(6));
        // received last although it happened first: the order is by receive time
        Event late = received(TestEvents.track("p", "r3", "signup", "u3", base.minusSeconds(30)), base.plusSeconds(9));
        Event page = new Event("p", "r4", EventType.PAGE, "$page", "a-1", null, "a-1", base.plusSeconds(2), base.plusSeconds(3),
                null, null, "Pricing", null, null, "{\"price\":9.50,\"tags\":[\"a\",1.50],\"nested\":{\"k\":\"v\"},\"none\":null}",
                "{}", "{}", null, null);
        Event old = received(TestEvents.track("p", "r5", "signup", "u1", base.minusSeconds(7_200)), base.plusSeconds(10));
        Event elsewhere = received(TestEvents.track("q", "r6", "signup", "u1", base), base.plusSeconds(20));
        try (EventStore store = openStore(dir)) {
            store.write(List.of(first, second, page), Map.of());
            store.write(List.of(late, old, elsewhere, second), Map.of());
            QueryEngine engine = queryEngine(store);
            RecentEventsSpec spec = new RecentEventsSpec("p", base.minusSeconds(3_600), 10);
            List<RecentEvent> recent = engine.recentEvents(spec);
            assertThat(recent).extracting(RecentEvent::messageId).containsExactly("r3", "r2", "r4", "r1");
            assertThat(recent).isEqualTo(new ReferenceQueryEngine(List.of(first, second, late, page, old, elsewhere)).recentEvents(spec));
            RecentEvent pageView = recent.get(2);
            assertThat(pageView.type()).isEqualTo(EventType.PAGE);
            assertThat(pageView.name()).isEqualTo("Pricing");
            assertThat(pageView.userId()).isNull();
            assertThat(pageView.anonymousId()).isEqualTo("a-1");
            assertThat(pageView.timestamp()).isEqualTo(base.plusSeconds(2));
            assertThat(pageView.receivedAt()).isEqualTo(base.plusSeconds(3));
            assertThat(pageView.properties()).containsExactly(Map.entry("price", "9.50"), Map.entry("tags", "[\"a\",1.50]"),
                    Map.entry("nested", "{\"k\":\"v\"}"), Map.entry("none", "null"));
            assertThat(engine.recentEvents(new RecentEventsSpec("p", base.minusSeconds(3_600), 2)))
                    .extracting(RecentEvent::messageId).containsExactly("r3", "r2");
            assertThat(engine.recentEvents(new RecentEventsSpec("nobody", base.minusSeconds(3_600), 10))).isEmpty();
        }
    }

    private static Event received(Event e, Instant receivedAt) {
        return new Event(e.project(), e.messageId(), e.type(), e.event(), e.distinctId(), e.userId(), e.anonymousId(), e.timestamp(),
                receivedAt, e.sentAt(), e.originalTimestamp(), e.name(), e.groupId(), e.previousId(), e.properties(), e.traits(),
                e.context(), e.ip(), e.userAgent());
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

    /**
     * Refused events are kept with their dead-letter positions; a copy written again (a loader retrying)
     * is listed once, newest first, and only the asked project's since the asked time.
     */
    @Test
    void refusedEventsAreListedOnceNewestFirst() {
        LogPartition dead = new LogPartition("tally.rejected", 0);
        List<LoggedRejection> first = List.of(
                refused("p", "2026-03-01T10:00:00Z", dead, 0, "signup@1-0-0"),
                refused("p", "2026-03-02T10:00:00Z", dead, 1, null),
                refused("other", "2026-03-02T11:00:00Z", dead, 2, null));
        try (EventStore store = openStore(dir)) {
            store.writeRejected(first, Map.of(dead, 3L));
            store.writeRejected(first.subList(1, 3), Map.of(dead, 3L));
            assertThat(store.positions(Set.of(dead))).containsEntry(dead, 3L);
            RejectedEventQueries queries = (RejectedEventQueries) store;
            List<StoredRejection> listed = queries.rejected("p", Instant.parse("2026-01-01T00:00:00Z"), 10);
            assertThat(listed).extracting(StoredRejection::offset).containsExactly(1L, 0L);
            StoredRejection violation = listed.get(1);
            assertThat(violation.schema()).isEqualTo("signup@1-0-0");
            assertThat(violation.code()).isEqualTo("schema_violation");
            assertThat(violation.reason()).isEqualTo("/plan: not in the enumeration");
            assertThat(violation.payload()).isEqualTo("{\"event\":\"signup\",\"tab\":\"a\\tb\"}");
            assertThat(violation.receivedAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
            assertThat(queries.rejected("p", Instant.parse("2026-03-02T00:00:00Z"), 10)).hasSize(1);
            assertThat(queries.rejected("p", Instant.parse("2026-01-01T00:00:00Z"), 1)).hasSize(1);
        }
    }

    /** A saved document reads back as last saved, per project and name, and survives reopening. */
    @Test
    void savedDocumentsReadBackAsLastSaved() {
        try (EventStore store = openStore(dir)) {
            SavedDocuments documents = (SavedDocuments) store;
            assertThat(documents.document("p", "library")).isEmpty();
            documents.saveDocument("p", "library", "{\"v\":1,\"text\":\"tab\\there, “quotes”\"}");
            documents.saveDocument("p", "library", "{\"v\":2}");
            documents.saveDocument("other", "library", "{\"v\":3}");
            assertThat(documents.document("p", "library")).contains("{\"v\":2}");
            assertThat(documents.document("other", "library")).contains("{\"v\":3}");
            assertThat(documents.document("p", "other")).isEmpty();
        }
        try (EventStore store = openStore(dir)) {
            assertThat(((SavedDocuments) store).document("p", "library")).contains("{\"v\":2}");
        }
    }

    private static LoggedRejection refused(String project, String at, LogPartition partition, long offset, String schema) {
        return new LoggedRejection(new RejectedEvent(project, Instant.parse(at), ErrorCode.SCHEMA_VIOLATION,
                "/plan: not in the enumeration", 0, "m" + offset, "{\"event\":\"signup\",\"tab\":\"a\\tb\"}", "10.0.0.1",
                "curl", schema), partition, offset);
    }

    private static void awaitCount(EventStore store, String project, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (store.countEvents(project) != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(store.countEvents(project)).as("events of " + project).isEqualTo(expected);
    }
}
