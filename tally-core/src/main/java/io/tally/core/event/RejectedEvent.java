package io.tally.core.event;

import static java.util.Objects.requireNonNull;

import io.tally.core.ErrorCode;
import java.time.Instant;

/**
 * An event the collector refused, kept with the reason so that nothing is silently dropped.
 *
 * @param project the project, or null when the key was unknown
 * @param index the position of the event in its request
 * @param payload the event as received (JSON text, possibly truncated for oversize events)
 * @param schema the tracking-plan schema the event failed ({@code signup@1-0-2}), or null when the
 *     reason is not a schema violation
 */
public record RejectedEvent(
        String project,
        Instant receivedAt,
        ErrorCode code,
        String reason,
        int index,
        String messageId,
        String payload,
        String ip,
        String userAgent,
        String schema) {

    public RejectedEvent {
        requireNonNull(receivedAt, "receivedAt is null");
        requireNonNull(code, "code is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(payload, "payload is null");
    }

    /** A refusal that has nothing to do with a schema. */
    public RejectedEvent(String project, Instant receivedAt, ErrorCode code, String reason, int index, String messageId,
            String payload, String ip, String userAgent) {
        this(project, receivedAt, code, reason, index, messageId, payload, ip, userAgent, null);
    }
}
