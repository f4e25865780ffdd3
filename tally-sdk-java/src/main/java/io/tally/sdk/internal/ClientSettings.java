package io.tally.sdk.internal;

import static java.util.Objects.requireNonNull;

import io.tally.sdk.TallyListener;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Every setting of a client, validated once at build time so that a wrong value fails there,
 * naming the setting. The defaults live here and nowhere else.
 */
public record ClientSettings(
        String writeKey,
        URI endpoint,
        int flushAt,
        int maxBatchBytes,
        Duration flushInterval,
        long maxBufferBytes,
        Duration enqueueTimeout,
        int maxRetries,
        Duration retryBaseDelay,
        Duration retryMaxDelay,
        boolean gzip,
        Duration httpTimeout,
        Duration flushTimeout,
        Duration closeTimeout,
        Clock clock,
        RandomGenerator random,
        TallyListener listener) {

    /** Segment's per-message limit, which the collector enforces too. */
    public static final int MAX_MESSAGE_BYTES = 32 * 1024;
    /** The collector refuses batches above 500 KB (decimal, the stricter reading) with 413. */
    public static final int SERVER_MAX_BATCH_BYTES = 500_000;
    /** The smallest batch limit that still fits one message of the largest allowed size. */
    public static final int MIN_BATCH_BYTES = MAX_MESSAGE_BYTES + BatchBody.ENVELOPE_BYTES;

    public static final URI DEFAULT_ENDPOINT = URI.create("http://localhost:8080");
    public static final int DEFAULT_FLUSH_AT = 100;
    public static final int DEFAULT_MAX_BATCH_BYTES = 480 * 1024;
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(200);
    public static final long DEFAULT_MAX_BUFFER_BYTES = 16L * 1024 * 1024;
    public static final Duration DEFAULT_ENQUEUE_TIMEOUT = Duration.ofMillis(100);
    public static final int DEFAULT_MAX_RETRIES = 10;
    public static final Duration DEFAULT_RETRY_BASE_DELAY = Duration.ofMillis(100);
    public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofSeconds(10);
    public static final boolean DEFAULT_GZIP = true;
    public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    public ClientSettings {
        requireNonNull(writeKey, "writeKey is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(flushInterval, "flushInterval is null");
        requireNonNull(enqueueTimeout, "enqueueTimeout is null");
        requireNonNull(retryBaseDelay, "retryBaseDelay is null");
        requireNonNull(retryMaxDelay, "retryMaxDelay is null");
        requireNonNull(httpTimeout, "httpTimeout is null");
        requireNonNull(flushTimeout, "flushTimeout is null");
        requireNonNull(closeTimeout, "closeTimeout is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(random, "random is null");
        requireNonNull(listener, "listener is null");

        check(!writeKey.isBlank(), "writeKey must not be blank");
        checkEndpoint(endpoint);
        check(flushAt >= 1, "flushAt must be at least 1, was " + flushAt);
        check(maxBatchBytes >= MIN_BATCH_BYTES && maxBatchBytes <= SERVER_MAX_BATCH_BYTES,
                "maxBatchBytes must be between " + MIN_BATCH_BYTES + " (one message of the maximum " + MAX_MESSAGE_BYTES
                        + " bytes) and " + SERVER_MAX_BATCH_BYTES + " (the server's limit), was " + maxBatchBytes);
        check(maxBufferBytes >= maxBatchBytes,
                "maxBufferBytes must be at least maxBatchBytes (" + maxBatchBytes + "), was " + maxBufferBytes);
        check(maxRetries >= 0, "maxRetries must not be negative, was " + maxRetries);
        checkPositive("flushInterval", flushInterval);
        check(!enqueueTimeout.isNegative(), "enqueueTimeout must not be negative, was " + enqueueTimeout);
        checkPositive("retryBaseDelay", retryBaseDelay);
        check(retryMaxDelay.compareTo(retryBaseDelay) >= 0,
                "retryMaxDelay must be at least retryBaseDelay (" + retryBaseDelay + "), was " + retryMaxDelay);
        checkPositive("httpTimeout", httpTimeout);
        checkPositive("flushTimeout", flushTimeout);
        check(!closeTimeout.isNegative(), "closeTimeout must not be negative, was " + closeTimeout);
    }

    /** The URI batches are posted to: the endpoint's path with {@code /v1/batch} appended. */
    public URI batchUri() {
        String base = endpoint.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/v1/batch");
    }

    private static void checkEndpoint(URI endpoint) {
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        check(scheme.equals("http") || scheme.equals("https"),
                "endpoint must be an http or https URI, was " + endpoint);
        check(endpoint.getHost() != null, "endpoint must name a host, was " + endpoint);
        check(endpoint.getRawQuery() == null && endpoint.getRawFragment() == null,
                "endpoint must not have a query or fragment, was " + endpoint);
    }

    private static void checkPositive(String name, Duration value) {
        check(!value.isNegative() && !value.isZero(), name + " must be positive, was " + value);
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
