package io.tally.api.saved;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A saved question: its name, the query exactly as {@code POST /v1/projects/{project}/query} takes it,
 * and how the dashboard draws it.
 *
 * @param query the query as compact JSON object text (text, so that the record stays immutable)
 * @param chart {@code line} or {@code bar} for trends; null where the kind has one way to be drawn
 */
public record Insight(String id, String name, String query, String chart, Instant updatedAt) {
    public Insight {
        SavedIds.check(id);
        requireNonNull(name, "name is null");
        requireNonNull(query, "query is null");
        requireNonNull(updatedAt, "updatedAt is null");
        if (!query.startsWith("{")) {
            throw new IllegalArgumentException("query must be a JSON object: " + query);
        }
    }
}
