package io.tally.query;

import java.time.Instant;

/**
 * How an answer was made, and how fresh it is.
 *
 * @param store the engine that answered
 * @param durationMillis time spent answering this request (small when cached)
 * @param rowsRead rows the store read to compute the answer (a cached one too), or -1 when the store does
 *     not tell (ClickHouse does; DuckDB does not)
 * @param cached whether it came from the result cache
 * @param cacheAgeMillis the age of the cached answer; 0 when freshly computed
 * @param completeUpTo every event accepted before this instant is in the answer; null when this
 *     process cannot know (it runs no loader)
 * @param lagEvents events accepted but not yet queryable, or -1 when unknown
 */
public record QueryMeta(String store, double durationMillis, long rowsRead, boolean cached, long cacheAgeMillis,
                        Instant completeUpTo, long lagEvents) {
}
