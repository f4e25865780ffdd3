package io.tally.core.spi;

import io.tally.core.query.TrendSpec;
import java.time.LocalDateTime;
import java.util.Map;

/** Runs analytical questions on a store. The query service plans; engines compute. */
public interface QueryEngine {

    /**
     * The value of one trend series per bucket, keyed by the bucket's local start time. Buckets
     * without events may be absent; the caller fills them with zero.
     */
    Map<LocalDateTime, Double> trend(TrendSpec spec);

    /** A short name for {@code meta.store}, e.g. {@code duckdb}. */
    String name();
}
