package io.tally.core.spi;

import static java.util.Objects.requireNonNull;

import io.tally.core.event.RejectedEvent;

/** A refused event read back from the dead-letter log, with where it was read: its identity there. */
public record LoggedRejection(RejectedEvent rejected, LogPartition partition, long offset) {
    public LoggedRejection {
        requireNonNull(rejected, "rejected is null");
        requireNonNull(partition, "partition is null");
    }
}
