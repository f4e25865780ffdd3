package io.tally.core.spi;

import io.tally.core.query.Cohort;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.query.RecentEvent;
import io.tally.core.query.RecentEventsSpec;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.TrendSpec;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

/**
 * Runs analytical questions on a store. The query service plans; engines compute. The meaning of
 * every answer is docs/queries.md, and the reference implementation in {@code tally-query} is the
 * oracle every engine is tested against.
 */
public interface QueryEngine {
    /** The key of the one series of a trend or funnel without breakdown. */
    String NO_BREAKDOWN = "";

    /**
     * The value of one trend series per bucket, keyed by breakdown value ({@link #NO_BREAKDOWN} without
     * a breakdown), then by the bucket's local start time. Buckets without events may be absent; the
     * caller fills them with zero.
     */
    Map<String, Map<LocalDateTime, Double>> trend(TrendSpec spec);

    /** The buckets of a trend without breakdown. */
    default Map<LocalDateTime, Double> series(TrendSpec spec) {
        if (spec.breakdown() != null) {
            throw new IllegalArgumentException("series() is for trends without breakdown");
        }
        return trend(spec).getOrDefault(NO_BREAKDOWN, Map.of());
    }

    /** Per breakdown value ({@link #NO_BREAKDOWN} without one), the funnel's steps in order. */
    Map<String, List<FunnelStepResult>> funnel(FunnelSpec spec);

    /** The cohorts in order of their start. */
    List<Cohort> retention(RetentionSpec spec);

    /**
     * The latest events of a project for a live view, newest first: ordered by {@code receivedAt}
     * descending, then {@code timestamp} descending; events equal in both come in any order. Each
     * stored event appears once, even while a store still holds a re-delivered copy.
     */
    List<RecentEvent> recentEvents(RecentEventsSpec spec);

    /** A short name for {@code meta.store}, e.g. {@code duckdb}. */
    String name();
}
