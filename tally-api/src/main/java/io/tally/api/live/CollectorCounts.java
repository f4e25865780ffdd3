package io.tally.api.live;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;

/**
 * The collector's counts since its process started, over all projects.
 *
 * @param rejectedByReason per error code's wire name, e.g. {@code invalid_event}
 */
public record CollectorCounts(long received, long accepted, Map<String, Long> rejectedByReason) {
    public CollectorCounts {
        // sorted, so that answers list reasons in a stable order
        rejectedByReason = Map.copyOf(new TreeMap<>(requireNonNull(rejectedByReason, "rejectedByReason is null")));
    }

    /** Rejected events over every reason. */
    public long rejected() {
        return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    }
}
