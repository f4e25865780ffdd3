package io.tally.core.spi;

import static java.util.Objects.requireNonNull;

import io.tally.core.event.Event;

/** An event read back from the log, with where it was read. */
public record LoggedEvent(Event event, LogPartition partition, long offset) {
    public LoggedEvent {
        requireNonNull(event, "event is null");
        requireNonNull(partition, "partition is null");
    }
}
