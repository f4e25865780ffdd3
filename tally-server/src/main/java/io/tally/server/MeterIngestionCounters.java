package io.tally.server;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tally.api.live.CollectorCounts;
import io.tally.api.live.IngestionCounters;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The health panel's counts, read from the meters the collector and loader already keep (the ones
 * {@code /metrics} shows), so the panel and Prometheus can never disagree.
 */
final class MeterIngestionCounters implements IngestionCounters {
    private final MeterRegistry metrics;
    private final boolean collector;
    private final boolean loader;

    /** {@code collector} and {@code loader}: whether this process runs them, i.e. whether their meters mean anything. */
    MeterIngestionCounters(MeterRegistry metrics, boolean collector, boolean loader) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.collector = collector;
        this.loader = loader;
    }

    @Override
    public Optional<CollectorCounts> collector() {
        if (!collector) {
            return Optional.empty();
        }
        Map<String, Long> rejected = new HashMap<>();
        for (Counter c : metrics.find("tally.collector.events.rejected").counters()) {
            String reason = c.getId().getTag("reason");
            rejected.merge(reason == null ? "unknown" : reason, (long) c.count(), Long::sum);
        }
        return Optional.of(new CollectorCounts(count("tally.collector.events.received"), count("tally.collector.events.accepted"), rejected));
    }

    @Override
    public OptionalLong stored() {
        return loader ? OptionalLong.of(count("tally.loader.events.written")) : OptionalLong.empty();
    }

    /** A counter not yet registered has counted nothing. */
    private long count(String name) {
        Counter counter = metrics.find(name).counter();
        return counter == null ? 0 : (long) counter.count();
    }
}
