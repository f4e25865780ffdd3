package io.tally.query;

import java.util.List;

/** The answer to a {@link FunnelQuery}: per breakdown value (one group without breakdown), the steps. */
public record FunnelResult(String order, long windowSeconds, List<Group> groups, QueryMeta meta) {
    public FunnelResult {
        groups = List.copyOf(groups);
    }

    FunnelResult withMeta(QueryMeta newMeta) {
        return new FunnelResult(order, windowSeconds, groups, newMeta);
    }

    /** @param breakdownValue null without breakdown */
    public record Group(String breakdownValue, List<Step> steps) {
        public Group {
            steps = List.copyOf(steps);
        }
    }

    /** Conversions are fractions (0..1); times are seconds from the previous step. */
    public record Step(String event, long count, double conversionFromPrevious, double conversionFromFirst,
                       double medianSecondsFromPrevious, double averageSecondsFromPrevious) {
    }
}
