package io.tally.core.query;

import static java.util.Objects.requireNonNull;

import java.time.LocalDateTime;
import java.util.List;

/** One row of a retention table: the cohort's local period start, its size, and retained[0..N]. */
public record Cohort(LocalDateTime start, long size, List<Long> retained) {
    public Cohort {
        requireNonNull(start, "start is null");
        retained = List.copyOf(requireNonNull(retained, "retained is null"));
    }
}
