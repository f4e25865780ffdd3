package io.tally.testing;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import java.time.Instant;

/** Builds events for tests with sensible defaults. */
public final class TestEvents {
    private TestEvents() {
    }

    public static Event track(String project, String messageId, String name, String distinctId, Instant timestamp) {
        return new Event(project, messageId, EventType.TRACK, name, distinctId, distinctId, null,
                timestamp, timestamp, null, null, null, null, null,
                "{\"plan\":\"pro\",\"n\":1}", "{}", "{\"library\":{\"name\":\"test\"}}", "127.0.0.1", "tests");
    }
}
