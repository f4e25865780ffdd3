package io.tally.sdk;

import static java.util.Objects.requireNonNull;

import io.tally.sdk.internal.ClientSettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Settings of a {@link TallyClient}; get one from {@link TallyClient#builder(String)}. Every
 * setting has a sensible default; {@link #build()} checks them all and throws
 * {@link IllegalArgumentException} naming the first wrong one.
 */
public final class TallyClientBuilder {
    private final String writeKey;
    private URI endpoint = ClientSettings.DEFAULT_ENDPOINT;
    private int flushAt = ClientSettings.DEFAULT_FLUSH_AT;
    private int maxBatchBytes = ClientSettings.DEFAULT_MAX_BATCH_BYTES;
    private Duration flushInterval = ClientSettings.DEFAULT_FLUSH_INTERVAL;
    private long maxBufferBytes = ClientSettings.DEFAULT_MAX_BUFFER_BYTES;
    private Duration enqueueTimeout = ClientSettings.DEFAULT_ENQUEUE_TIMEOUT;
    private int maxRetries = ClientSettings.DEFAULT_MAX_RETRIES;
    private Duration retryBaseDelay = ClientSettings.DEFAULT_RETRY_BASE_DELAY;
    private Duration retryMaxDelay = ClientSettings.DEFAULT_RETRY_MAX_DELAY;
    private boolean gzip = ClientSettings.DEFAULT_GZIP;
    private Duration httpTimeout = ClientSettings.DEFAULT_HTTP_TIMEOUT;
    private Duration flushTimeout = ClientSettings.DEFAULT_FLUSH_TIMEOUT;
    private Duration closeTimeout = ClientSettings.DEFAULT_CLOSE_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random;
    private TallyListener listener = TallyListener.NONE;

    TallyClientBuilder(String writeKey) {
        this.writeKey = requireNonNull(writeKey, "writeKey is null");
    }

    /** The collector's base URI; batches go to {@code {endpoint}/v1/batch}. Default {@code http://localhost:8080}. */
    public TallyClientBuilder endpoint(URI endpoint) {
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        return this;
    }

    /** Send a batch as soon as this many messages are waiting. Default 100. */
    public TallyClientBuilder flushAt(int messages) {
        this.flushAt = messages;
        return this;
    }

    /**
     * The largest uncompressed JSON body of one batch, in bytes; a batch is sent as soon as the
     * waiting messages would not fit in one. At least 32,824 (one message of the maximum 32 KiB
     * plus the batch envelope) and at most 500,000 (the server's limit). Default 480 KiB.
     */
    public TallyClientBuilder maxBatchBytes(int bytes) {
        this.maxBatchBytes = bytes;
        return this;
    }

    /** Send whatever is waiting once the oldest message has waited this long. Default 200 ms. */
    public TallyClientBuilder flushInterval(Duration interval) {
        this.flushInterval = requireNonNull(interval, "flushInterval is null");
        return this;
    }

    /**
     * The most bytes of serialized messages held at once, the batch in flight included; at least
     * {@code maxBatchBytes}. Default 16 MiB.
     */
    public TallyClientBuilder maxBufferBytes(long bytes) {
        this.maxBufferBytes = bytes;
        return this;
    }

    /**
     * How long a call waits for space when the buffer is full before it drops the message (and
     * counts it in {@link TallyStats#dropped()}). Zero never waits. Default 100 ms.
     */
    public TallyClientBuilder enqueueTimeout(Duration timeout) {
        this.enqueueTimeout = requireNonNull(timeout, "enqueueTimeout is null");
        return this;
    }

    /** How often a batch is re-sent after a 429, a 5xx or a network error before it is given up on. Default 10. */
    public TallyClientBuilder maxRetries(int retries) {
        this.maxRetries = retries;
        return this;
    }

    /**
     * The backoff between retries: the n-th retry waits a random time up to
     * {@code min(max, base * 2^n)}, and at least the server's Retry-After. Default 100 ms and 10 s.
     */
    public TallyClientBuilder retryBackoff(Duration base, Duration max) {
        this.retryBaseDelay = requireNonNull(base, "retryBaseDelay is null");
        this.retryMaxDelay = requireNonNull(max, "retryMaxDelay is null");
        return this;
    }

    /** Gzip request bodies. Default true. */
    public TallyClientBuilder gzip(boolean gzip) {
        this.gzip = gzip;
        return this;
    }

    /** The limit for connecting and for the server's answer to one attempt. Default 10 s. */
    public TallyClientBuilder httpTimeout(Duration timeout) {
        this.httpTimeout = requireNonNull(timeout, "httpTimeout is null");
        return this;
    }

    /** How long {@link TallyClient#flush()} waits. Default 30 s. */
    public TallyClientBuilder flushTimeout(Duration timeout) {
        this.flushTimeout = requireNonNull(timeout, "flushTimeout is null");
        return this;
    }

    /**
     * How long {@link TallyClient#close()} keeps delivering what is buffered; whatever is left
     * then is given up on and counted as failed. Default 10 s.
     */
    public TallyClientBuilder closeTimeout(Duration timeout) {
        this.closeTimeout = requireNonNull(timeout, "closeTimeout is null");
        return this;
    }

    /** The clock for message timestamps and {@code sentAt}. Default {@link Clock#systemUTC()}. */
    public TallyClientBuilder clock(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
        return this;
    }

    /** The random source for backoff jitter, used by the delivery thread only. Default a new {@link Random}. */
    public TallyClientBuilder random(RandomGenerator random) {
        this.random = requireNonNull(random, "random is null");
        return this;
    }

    /** Hears about rejected, failed and dropped messages. Default none. */
    public TallyClientBuilder listener(TallyListener listener) {
        this.listener = requireNonNull(listener, "listener is null");
        return this;
    }

    /**
     * Checks the settings and starts a client (and its delivery thread).
     *
     * @throws IllegalArgumentException naming the first setting that is out of range
     */
    public TallyClient build() {
        return new TallyClient(new ClientSettings(
                writeKey, endpoint, flushAt, maxBatchBytes, flushInterval, maxBufferBytes, enqueueTimeout,
                maxRetries, retryBaseDelay, retryMaxDelay, gzip, httpTimeout, flushTimeout, closeTimeout,
                clock, random == null ? new Random() : random, listener));
    }
}
