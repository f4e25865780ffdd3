package io.tally.core.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/** Lists the refused events a store keeps, for users who want to see what was rejected and why. */
public interface RejectedEventQueries {

    /**
     * The project's refused events received at or after {@code since}, newest first, at most {@code limit},
     * each once even if the store holds a copy twice.
     */
    List<StoredRejection> rejected(String project, Instant since, int limit);

    /**
     * One refused event as stored.
     *
     * @param schema the schema version it failed, or null
     * @param payload the event as received (JSON text, possibly truncated)
     */
    record StoredRejection(Instant receivedAt, String code, String reason, String schema, String messageId, String payload,
            LogPartition partition, long offset) {
        public StoredRejection {
            requireNonNull(receivedAt, "receivedAt is null");
            requireNonNull(code, "code is null");
            requireNonNull(reason, "reason is null");
            requireNonNull(payload, "payload is null");
            requireNonNull(partition, "partition is null");
        }
    }
}
