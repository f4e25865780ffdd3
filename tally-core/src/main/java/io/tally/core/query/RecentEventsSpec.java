package io.tally.core.query;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * The question behind a live view: the latest {@code limit} events of {@code project} whose
 * {@code timestamp} is at or after {@code since}, newest received first.
 *
 * <p>{@code since} bounds the event time rather than the receive time because stores partition and
 * sort by event time: the bound lets them skip old data, so polling stays cheap however much is
 * stored. A live view asks for a recent window, so events imported with old timestamps are not in it.
 *
 * @param limit 1 to {@link #MAX_LIMIT}
 */
public record RecentEventsSpec(String project, Instant since, int limit) {
    /** What one answer may hold: a screenful, bounded so a poll never reads a large result. */
    public static final int MAX_LIMIT = 1_000;

    public RecentEventsSpec {
        requireNonNull(project, "project is null");
        requireNonNull(since, "since is null");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ": " + limit);
        }
    }
}
