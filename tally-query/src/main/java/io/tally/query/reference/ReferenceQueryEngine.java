package io.tally.query.reference;

import static java.util.Objects.requireNonNull;

import io.tally.core.event.Event;
import io.tally.core.query.Cohort;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.query.RecentEvent;
import io.tally.core.query.RecentEventsSpec;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.QueryEngine;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The oracle: answers every query by plain loops over a list of events, following docs/queries.md
 * sentence by sentence. It is meant to be obviously right, not fast; the stores' property tests
 * compare their answers with this one on random events.
 *
 * <p>Trends leave out buckets without a contributing event, as the {@link QueryEngine} contract allows.
 */
public final class ReferenceQueryEngine implements QueryEngine {
    private final List<Event> events;

    /** @param events events of any projects; each query looks only at its own project's */
    public ReferenceQueryEngine(List<Event> events) {
        this.events = List.copyOf(requireNonNull(events, "events is null"));
    }

    @Override
    public Map<String, Map<LocalDateTime, Double>> trend(TrendSpec spec) {
        requireNonNull(spec, "spec is null");
        return ReferenceTrends.trend(spec, eventsOf(spec.project()));
    }

    @Override
    public Map<String, List<FunnelStepResult>> funnel(FunnelSpec spec) {
        requireNonNull(spec, "spec is null");
        return ReferenceFunnels.funnel(spec, eventsOf(spec.project()));
    }

    @Override
    public List<Cohort> retention(RetentionSpec spec) {
        requireNonNull(spec, "spec is null");
        return ReferenceRetention.retention(spec, eventsOf(spec.project()));
    }

    @Override
    public List<RecentEvent> recentEvents(RecentEventsSpec spec) {
        requireNonNull(spec, "spec is null");
        return ReferenceRecentEvents.recent(spec, eventsOf(spec.project()));
    }

    @Override
    public String name() {
        return "reference";
    }

    private List<Event> eventsOf(String project) {
        List<Event> selected = new ArrayList<>();
        for (Event event : events) {
            if (event.project().equals(project)) {
                selected.add(event);
            }
        }
        return selected;
    }
}
