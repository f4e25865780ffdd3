package io.tally.testing.memory;

import static java.util.Objects.requireNonNull;

import io.tally.core.event.Event;
import io.tally.core.query.Cohort;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.query.RecentEvent;
import io.tally.core.query.RecentEventsSpec;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.TrendSpec;
import io.tally.core.retention.RetentionPolicy;
import io.tally.core.spi.EventStore;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.QueryEngine;
import io.tally.query.reference.ReferenceQueryEngine;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@link EventStore} that keeps events in a list, with the reference implementation as its query
 * engine: enough to run {@link io.tally.testing.QueryEngineContract}'s generation, writes and
 * comparisons without a database.
 */
final class InMemoryEventStore implements EventStore {
    private final List<Event> events = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();
    private final Map<LogPartition, Long> positions = new HashMap<>();

    @Override
    public synchronized WriteResult write(List<Event> batch, Map<LogPartition, Long> nextOffsets) {
        requireNonNull(batch, "batch is null");
        int written = 0;
        for (Event event : batch) {
            // one row per (project, messageId), as every store keeps
            if (keys.add(event.project() + "\u0000" + event.messageId())) {
                events.add(event);
                written++;
            }
        }
        positions.putAll(nextOffsets);
        return new WriteResult(written, batch.size() - written);
    }

    @Override
    public void writeRejected(List<io.tally.core.spi.LoggedRejection> rejected, Map<LogPartition, Long> nextOffsets) {
        throw new UnsupportedOperationException("the in-memory store only serves query tests");
    }

    @Override
    public synchronized Map<LogPartition, Long> positions(Set<LogPartition> partitions) {
        Map<LogPartition, Long> found = new HashMap<>(positions);
        found.keySet().retainAll(partitions);
        return found;
    }

    @Override
    public synchronized long countEvents(String project) {
        return events.stream().filter(e -> e.project().equals(project)).count();
    }

    @Override
    public List<String> expire(RetentionPolicy policy, Instant now) {
        throw new UnsupportedOperationException("the in-memory store only serves query tests");
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void close() {
    }

    /** An engine over what the store holds when each question is asked. */
    QueryEngine queryEngine() {
        return new QueryEngine() {
            @Override
            public Map<String, Map<LocalDateTime, Double>> trend(TrendSpec spec) {
                return reference().trend(spec);
            }

            @Override
            public Map<String, List<FunnelStepResult>> funnel(FunnelSpec spec) {
                return reference().funnel(spec);
            }

            @Override
            public List<Cohort> retention(RetentionSpec spec) {
                return reference().retention(spec);
            }

            @Override
            public List<RecentEvent> recentEvents(RecentEventsSpec spec) {
                return reference().recentEvents(spec);
            }

            @Override
            public String name() {
                return "memory";
            }
        };
    }

    private synchronized ReferenceQueryEngine reference() {
        return new ReferenceQueryEngine(events);
    }
}
