package io.tally.core.spi;

import io.tally.core.event.Event;
import io.tally.core.event.RejectedEvent;
import java.time.Duration;
import java.util.List;

/**
 * The durable transport between collectors and loaders (Kafka in every deployment).
 *
 * <p>Both methods return only once every record is durable in the log, or throw a
 * {@link io.tally.core.TallyException} with a retryable code ({@code OVERLOADED}, {@code LOG_UNAVAILABLE})
 * within the given timeout; they never hang.
 */
public interface EventLog extends AutoCloseable {

    /** Appends accepted events, keyed by {@link Event#partitionKey()}. */
    void append(List<Event> events, Duration timeout);

    /** Appends refused events to the dead-letter log with their reasons. */
    void appendRejected(List<RejectedEvent> rejected, Duration timeout);

    /** Whether the log answered recently; used by {@code /health}. */
    boolean healthy();

    @Override
    void close();
}
