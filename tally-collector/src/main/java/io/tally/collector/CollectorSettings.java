package io.tally.collector;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Limits and timeouts of the collector. Sizes are of the decompressed body.
 *
 * @param maxEventBytes the largest single event (Segment's limit is 32 KB)
 * @param maxBodyBytes the largest request body (Segment's batch limit is 500 KB)
 * @param maxCompressionRatio how many times larger than its compressed form a body may become;
 *     real event JSON compresses 5 to 30 times, a decompression bomb a thousand times
 * @param maxJsonDepth how deeply objects and arrays may nest
 * @param appendTimeout how long a request waits for Kafka's acknowledgement before answering 503
 */
public record CollectorSettings(int maxEventBytes, int maxBodyBytes, int maxCompressionRatio, int maxJsonDepth,
                                Duration appendTimeout) {
    public CollectorSettings {
        requireNonNull(appendTimeout, "appendTimeout is null");
        if (maxEventBytes < 1024) {
            throw new IllegalArgumentException("collector.max-event-bytes must be at least 1024, was " + maxEventBytes);
        }
        if (maxBodyBytes < maxEventBytes) {
            throw new IllegalArgumentException("collector.max-body-bytes (" + maxBodyBytes
                    + ") must be at least collector.max-event-bytes (" + maxEventBytes + ")");
        }
        if (maxCompressionRatio < 2) {
            throw new IllegalArgumentException("collector.max-compression-ratio must be at least 2, was " + maxCompressionRatio);
        }
        if (maxJsonDepth < 4 || maxJsonDepth > 1000) {
            throw new IllegalArgumentException("collector.max-json-depth must be between 4 and 1000, was " + maxJsonDepth);
        }
        if (appendTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("collector.append-timeout must be at least 100ms, was " + appendTimeout);
        }
    }

    public static CollectorSettings defaults() {
        return new CollectorSettings(32 * 1024, 500 * 1024, 200, 32, Duration.ofSeconds(10));
    }

    public CollectorSettings withLimits(int maxEventBytes, int maxBodyBytes) {
        return new CollectorSettings(maxEventBytes, maxBodyBytes, maxCompressionRatio, maxJsonDepth, appendTimeout);
    }
}
