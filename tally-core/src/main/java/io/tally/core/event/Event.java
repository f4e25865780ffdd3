package io.tally.core.event;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One accepted event, enriched by the collector: the unit that travels through the log and is stored.
 *
 * <p>JSON-valued fields ({@code properties}, {@code traits}, {@code context}) hold compact JSON object
 * text, so that the core stays free of a JSON library and stores can keep them as they are.
 *
 * @param project the project the write key belongs to
 * @param messageId the idempotency key: the store keeps one row per (project, messageId)
 * @param type the Segment message type
 * @param event the event name: the {@code event} of a track, otherwise {@link EventType#syntheticEventName()}
 * @param distinctId {@code userId} if present, else {@code anonymousId}
 * @param timestamp when the event happened, in UTC, corrected for device clock skew (see DESIGN §4)
 * @param receivedAt when the collector received it
 * @param name the page or screen name, or null
 */
public record Event(
        String project,
        String messageId,
        EventType type,
        String event,
        String distinctId,
        String userId,
        String anonymousId,
        Instant timestamp,
        Instant receivedAt,
        Instant sentAt,
        Instant originalTimestamp,
        String name,
        String groupId,
        String previousId,
        String properties,
        String traits,
        String context,
        String ip,
        String userAgent) {

    public Event {
        requireNonNull(project, "project is null");
        requireNonNull(messageId, "messageId is null");
        requireNonNull(type, "type is null");
        requireNonNull(event, "event is null");
        requireNonNull(distinctId, "distinctId is null");
        requireNonNull(timestamp, "timestamp is null");
        requireNonNull(receivedAt, "receivedAt is null");
        properties = properties == null ? "{}" : properties;
        traits = traits == null ? "{}" : traits;
        context = context == null ? "{}" : context;
    }

    /** The log key: events of one person stay in one partition, in order. */
    public String partitionKey() {
        return project + ":" + distinctId;
    }
}
