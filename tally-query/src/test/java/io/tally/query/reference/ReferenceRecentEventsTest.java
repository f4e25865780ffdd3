package io.tally.query.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.query.RecentEvent;
import io.tally.core.query.RecentEventsSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferenceRecentEventsTest {
    private static final Instant T = Instant.parse("2026-05-01T12:00:00Z");

    @Test
    void newestReceivedFirstThenNewestHappenedWithinTheWindowAndLimit() {
        List<Event> events = List.of(
                event("a", T.minusSeconds(10), T),
                event("b", T.minusSeconds(5), T),
                event("c", T.minusSeconds(60), T.plusSeconds(1)),
                event("old", T.minusSeconds(7_200), T.plusSeconds(2)));
        ReferenceQueryEngine engine = new ReferenceQueryEngine(events);
        assertThat(engine.recentEvents(new RecentEventsSpec("p", T.minusSeconds(3_600), 10)))
                .extracting(RecentEvent::messageId).containsExactly("c", "b", "a");
        assertThat(engine.recentEvents(new RecentEventsSpec("p", T.minusSeconds(3_600), 2)))
                .extracting(RecentEvent::messageId).containsExactly("c", "b");
        assertThat(engine.recentEvents(new RecentEventsSpec("q", T.minusSeconds(3_600), 10))).isEmpty();
    }

    @Test
    void propertiesAreTextAsWrittenAndTimesKeepMicroseconds() {
        Event e = new Event("p", "m", EventType.TRACK, "buy", "u", "u", null, T.plusNanos(1_234_567), T.plusNanos(999),
                null, null, null, null, null, "{\"price\":9.50,\"tags\":[1,\"x\"],\"price\":1,\"name\":\"A\"}", "{}", "{}", null, null);
        RecentEvent recent = new ReferenceQueryEngine(List.of(e)).recentEvents(new RecentEventsSpec("p", T, 1)).get(0);
        assertThat(recent.properties()).containsExactly(Map.entry("price", "9.50"), Map.entry("tags", "[1,\"x\"]"), Map.entry("name", "A"));
        assertThat(recent.timestamp()).isEqualTo(T.plusNanos(1_234_000));
        assertThat(recent.receivedAt()).isEqualTo(T);
    }

    private static Event event(String id, Instant timestamp, Instant receivedAt) {
        return new Event("p", id, EventType.TRACK, "e", "u", "u", null, timestamp, receivedAt, null, null, null, null, null,
                "{}", "{}", "{}", null, null);
    }
}
