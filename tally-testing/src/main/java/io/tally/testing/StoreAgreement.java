package io.tally.testing;

import static java.util.Objects.requireNonNull;

import io.tally.core.event.Event;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.EventStore;
import io.tally.core.spi.QueryEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Two stores given the same events, written in the same batches, and asked the same random questions:
 * every trend math, interval, filter and breakdown, every funnel order with exclusions and breakdowns,
 * both cohort types (the generators of {@link QueryEngineContract}). Counts must be equal; sums,
 * averages and times within {@link AnswerDifferences#RELATIVE}, because the engines add floating-point
 * numbers in different orders.
 */
public final class StoreAgreement {
    private static final int TRENDS = 12;
    private static final int FUNNELS = 10;
    private static final int RETENTIONS = 6;

    private final EventStore first;
    private final QueryEngine firstEngine;
    private final EventStore second;
    private final QueryEngine secondEngine;

    public StoreAgreement(EventStore first, QueryEngine firstEngine, EventStore second, QueryEngine secondEngine) {
        this.first = requireNonNull(first, "first is null");
        this.firstEngine = requireNonNull(firstEngine, "firstEngine is null");
        this.second = requireNonNull(second, "second is null");
        this.secondEngine = requireNonNull(secondEngine, "secondEngine is null");
    }

    /**
     * Writes the random stream of {@code seed} into project {@code project} of both stores, asks the
     * questions, and returns one line per question whose answers differ (empty when they all agree).
     */
    public List<String> differences(String project, long seed) {
        RandomEventStream.Stream stream = RandomEventStream.generate(project, seed);
        Random random = new Random(seed);
        List<Event> shuffled = new ArrayList<>(stream.events());
        Collections.shuffle(shuffled, random);
        // uneven batches, out of time order, as loaders deliver them
        for (int from = 0; from < shuffled.size(); ) {
            int to = Math.min(shuffled.size(), from + 1 + random.nextInt(Math.max(1, shuffled.size() / 2)));
            List<Event> batch = List.copyOf(shuffled.subList(from, to));
            first.write(batch, Map.of());
            second.write(batch, Map.of());
            from = to;
        }
        List<String> differences = new ArrayList<>();
        RandomQuerySpecs specs = new RandomQuerySpecs(new Random(seed + 1), stream);
        for (int i = 0; i < TRENDS; i++) {
            TrendSpec spec = specs.trend();
            note(differences, spec, AnswerDifferences.trend(spec.math(), firstEngine.trend(spec), secondEngine.trend(spec)));
        }
        for (int i = 0; i < FUNNELS; i++) {
            FunnelSpec spec = specs.funnel();
            note(differences, spec, AnswerDifferences.funnel(spec.steps().size(), firstEngine.funnel(spec), secondEngine.funnel(spec)));
        }
        for (int i = 0; i < RETENTIONS; i++) {
            RetentionSpec spec = specs.retention();
            note(differences, spec, AnswerDifferences.retention(firstEngine.retention(spec), secondEngine.retention(spec)));
        }
        return differences;
    }

    private void note(List<String> differences, Object spec, List<String> found) {
        if (!found.isEmpty()) {
            differences.add(firstEngine.name() + " and " + secondEngine.name() + " differ for " + spec + ": " + found);
        }
    }
}
