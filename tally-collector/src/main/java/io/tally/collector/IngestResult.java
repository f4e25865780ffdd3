package io.tally.collector;

import java.util.List;

/** Per-message outcomes of one request, all of them durable in the log (accepted or dead-lettered). */
public record IngestResult(List<EventOutcome> outcomes) {
    public IngestResult {
        outcomes = List.copyOf(outcomes);
    }

    public long accepted() {
        return outcomes.stream().filter(EventOutcome::isAccepted).count();
    }

    public long rejected() {
        return outcomes.size() - accepted();
    }
}
