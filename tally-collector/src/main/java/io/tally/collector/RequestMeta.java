package io.tally.collector;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** What the collector knows about a request besides its body. */
public record RequestMeta(String project, Instant receivedAt, String ip, String userAgent) {
    public RequestMeta {
        requireNonNull(project, "project is null");
        requireNonNull(receivedAt, "receivedAt is null");
    }
}
