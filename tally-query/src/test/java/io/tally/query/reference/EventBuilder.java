package io.tally.query.reference;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Events for the scenario tests, written the way the collector would store them. */
final class EventBuilder {
    static final String PROJECT = "p";
    private static final AtomicLong IDS = new AtomicLong();

    private String project = PROJECT;
    private EventType type = EventType.TRACK;
    private String name;
    private String userId;
    private String anonymousId;
    private String previousId;
    private Instant at = Instant.parse("2026-01-01T12:00:00Z");
    private String properties = "{}";
    private String context = "{}";

    private EventBuilder(String name) {
        this.name = name;
    }

    static EventBuilder track(String name) {
        return new EventBuilder(name);
    }

    static EventBuilder identify(String userId, String anonymousId) {
        EventBuilder b = new EventBuilder(EventType.IDENTIFY.syntheticEventName()).user(userId).anonymous(anonymousId);
        b.type = EventType.IDENTIFY;
        return b;
    }

    static EventBuilder alias(String previousId, String userId) {
        EventBuilder b = new EventBuilder(EventType.ALIAS.syntheticEventName()).user(userId);
        b.type = EventType.ALIAS;
        b.previousId = previousId;
        return b;
    }

    EventBuilder project(String value) {
        project = value;
        return this;
    }

    EventBuilder user(String value) {
        userId = value;
        return this;
    }

    EventBuilder anonymous(String value) {
        anonymousId = value;
        return this;
    }

    EventBuilder at(String instant) {
        at = Instant.parse(instant);
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

    Event build() {
        String distinctId = userId != null ? userId : anonymousId;
        return new Event(project, "m" + IDS.incrementAndGet(), type, name, distinctId, userId, anonymousId, at, at, null, null,
                null, null, previousId, properties, "{}", context, null, null);
    }
}
