package io.tally.core.query;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * A retention table as a store computes it; see docs/queries.md. {@code filters} apply to start and
 * return events; cohorts are the local periods of {@code zone} that overlap {@code [from, to)}.
 */
public record RetentionSpec(String project, EventMatcher startEvent, EventMatcher returnEvent, Interval period, int periods,
                            CohortType cohortType, List<Filter> filters, ZoneId zone, Instant from, Instant to) {
    public static final int MAX_PERIODS = 60;

    public RetentionSpec {
        requireNonNull(project, "project is null");
        requireNonNull(startEvent, "startEvent is null");
        requireNonNull(returnEvent, "returnEvent is null");
        requireNonNull(period, "period is null");
        requireNonNull(cohortType, "cohortType is null");
        filters = List.copyOf(requireNonNull(filters, "filters is null"));
        requireNonNull(zone, "zone is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        if (period == Interval.HOUR) {
            throw new IllegalArgumentException("retention periods are day, week or month");
        }
        if (periods < 1 || periods > MAX_PERIODS) {
            throw new IllegalArgumentException("periods must be between 1 and " + MAX_PERIODS + ", was " + periods);
        }
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to: " + from + " >= " + to);
        }
    }
}
