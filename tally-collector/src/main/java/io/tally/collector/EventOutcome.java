package io.tally.collector;

import io.tally.core.ErrorCode;

/**
 * What happened to one message of a request.
 *
 * @param code null when accepted
 * @param field the message field at fault, or null
 */
public record EventOutcome(int index, String messageId, ErrorCode code, String reason, String field) {
    public static EventOutcome accepted(int index, String messageId) {
        return new EventOutcome(index, messageId, null, null, null);
    }

    public boolean isAccepted() {
        return code == null;
    }
}
