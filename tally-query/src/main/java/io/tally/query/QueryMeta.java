package io.tally.query;

/**
 * How an answer was made.
 *
 * @param store the engine that answered
 * @param durationMillis time spent answering
 * @param cached whether it came from the result cache (always false until the cache exists)
 */
public record QueryMeta(String store, double durationMillis, boolean cached) {
}
