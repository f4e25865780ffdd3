package io.tally.core.query;

import static java.util.Objects.requireNonNull;

import io.tally.core.event.EventType;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stored event as a live view shows it: who did what, when, and the event's top-level properties.
 *
 * <p>Property values are in the text form docs/queries.md compares (a JSON string without quotes, a
 * number as written, {@code true}, {@code false}, {@code null}; a nested object or array as compact JSON
 * text), because that is the form every store can give back exactly. Times are those the store keeps:
 * at least whole seconds ({@code receivedAt} in ClickHouse), at most microseconds.
 *
 * @param name the page or screen name, or null
 * @param properties in the order the event had them
 */
public record RecentEvent(String messageId, EventType type, String event, String distinctId, String userId,
                          String anonymousId, Instant timestamp, Instant receivedAt, String name,
                          Map<String, String> properties) {
    public RecentEvent {
        requireNonNull(messageId, "messageId is null");
        requireNonNull(type, "type is null");
        requireNonNull(event, "event is null");
        requireNonNull(distinctId, "distinctId is null");
        requireNonNull(timestamp, "timestamp is null");
        requireNonNull(receivedAt, "receivedAt is null");
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(properties, "properties is null")));
    }
}
