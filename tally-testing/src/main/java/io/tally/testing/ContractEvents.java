package io.tally.testing;

import static java.util.Objects.requireNonNull;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Events for the fixed cases of {@link QueryEngineContract}, one project at a time. */
final class ContractEvents {
    private static final AtomicLong IDS = new AtomicLong();

    private final String project;
    private final EventType type;
    private final String name;
    private String userId;
    private String anonymousId;
    private Instant at;
    private String properties = "{}";

    private ContractEvents(String project, EventType type, String name) {
        this.project = requireNonNull(project, "project is null");
        this.type = type;
        this.name = name;
    }

    static ContractEvents track(String project, String name) {
        return new ContractEvents(project, EventType.TRACK, name);
    }

    static ContractEvents identify(String project, String userId, String anonymousId) {
        return new ContractEvents(project, EventType.IDENTIFY, EventType.IDENTIFY.syntheticEventName()).user(userId).anonymous(anonymousId);
    }

    ContractEvents user(String value) {
        userId = value;
        return this;
    }

    ContractEvents anonymous(String value) {
        anonymousId = value;
        return this;
    }

    ContractEvents props(String json) {
        properties = json;
        return this;
    }

    Event at(String instant) {
        at = Instant.parse(instant);
        String distinctId = userId != null ? userId : anonymousId;
        return new Event(project, "fixed-" + IDS.incrementAndGet(), type, name, distinctId, userId, anonymousId, at, at, null, null, null,
                null, null, properties, "{}", "{\"library\":{\"name\":\"contract\"}}", null, null);
    }
}
