package io.tally.query;

import java.time.OffsetDateTime;
import java.util.List;

/** The answer to a {@link RetentionQuery}: one row per cohort, in order. */
public record RetentionResult(String period, String cohortType, String timezone, List<Row> cohorts, QueryMeta meta) {
    public RetentionResult {
        cohorts = List.copyOf(cohorts);
    }

    RetentionResult withMeta(QueryMeta newMeta) {
        return new RetentionResult(period, cohortType, timezone, cohorts, newMeta);
    }

    /** @param retained people retained in periods 0..N after the cohort's */
    public record Row(OffsetDateTime start, long size, List<Long> retained) {
        public Row {
            retained = List.copyOf(retained);
        }
    }
}
