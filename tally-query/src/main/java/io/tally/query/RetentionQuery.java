package io.tally.query;

import static java.util.Objects.requireNonNull;

import io.tally.core.query.RetentionSpec;

/** A validated retention question. */
public record RetentionQuery(RetentionSpec spec) {
    public RetentionQuery {
        requireNonNull(spec, "spec is null");
    }
}
