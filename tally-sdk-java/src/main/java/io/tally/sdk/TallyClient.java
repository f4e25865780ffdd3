package io.tally.sdk;

import static java.util.Objects.requireNonNull;

import io.tally.sdk.internal.ClientSettings;
import io.tally.sdk.internal.MessageEncoder;
import io.tally.sdk.internal.Pipeline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Sends events to a Tally collector. Thread-safe; build one per application and close it on shutdown.
 *
 * <pre>{@code
 * try (TallyClient tally = TallyClient.builder("WRITE_KEY")
 *         .endpoint(URI.create("https://tally.example.com"))
 *         .build()) {
 *     tally.identify("u1", Map.of("email", "ada@example.com"));
 *     tally.track("u1", "Signed Up", Map.of("plan", "pro"));
 * }
 * }</pre>
 *
 * <h2>What a call does</h2>
 * A call checks the message (throwing {@link IllegalArgumentException} when it lacks a user id or is
 * larger than 32 KiB as JSON), serializes it, and puts it into the buffer; it returns the message's
 * {@code messageId}. One daemon thread ({@code tally-sdk-flush-N}) sends batches when
 * {@code flushAt} messages are waiting, when they fill {@code maxBatchBytes}, or when the oldest
 * has waited {@code flushInterval}.
 *
 * <h2>When the buffer is full</h2>
 * The buffer holds at most {@code maxBufferBytes} of serialized messages, the batch in flight
 * included. A call that finds it full waits up to {@code enqueueTimeout} for space, then drops
 * the message: it is counted in {@link TallyStats#dropped()}, logged, and passed to
 * {@link TallyListener#onDropped}; the call itself does not fail. Calls after {@link #close()} are
 * dropped the same way.
 *
 * <h2>Delivery</h2>
 * A 429, a 5xx or a network error is retried with exponential backoff and full jitter (at least the
 * server's Retry-After), up to {@code maxRetries} times, always with the same messages and
 * {@code messageId}s so the server keeps each message once. A 400, 401, 403 or 413 for the whole
 * batch is not retried. Messages the server rejects one by one are not retried either. See
 * {@link TallyStats} for how each outcome is counted.
 */
public final class TallyClient implements AutoCloseable {
    private final Duration flushTimeout;
    private final Clock clock;
    private final MessageEncoder encoder = new MessageEncoder();
    private final Pipeline pipeline;

    TallyClient(ClientSettings settings) {
        this.flushTimeout = settings.flushTimeout();
        this.clock = settings.clock();
        this.pipeline = new Pipeline(settings);
    }

    /** Starts configuring a client that authenticates with {@code writeKey}. */
    public static TallyClientBuilder builder(String writeKey) {
        return new TallyClientBuilder(writeKey);
    }

    /** Records that user {@code userId} did {@code event}. Returns the messageId. */
    public String track(String userId, String event) {
        return enqueue(TallyMessage.track(event).userId(userId).build());
    }

    /** Records that user {@code userId} did {@code event}, with properties. Returns the messageId. */
    public String track(String userId, String event, Map<String, ?> properties) {
        return enqueue(TallyMessage.track(event).userId(userId).properties(properties).build());
    }

    /** Records who user {@code userId} is. Returns the messageId. */
    public String identify(String userId, Map<String, ?> traits) {
        return enqueue(TallyMessage.identify().userId(userId).traits(traits).build());
    }

    /** Records that user {@code userId} viewed the web page {@code name}. Returns the messageId. */
    public String page(String userId, String name) {
        return enqueue(TallyMessage.page(name).userId(userId).build());
    }

    /** Records that user {@code userId} viewed the web page {@code name}, with properties. Returns the messageId. */
    public String page(String userId, String name, Map<String, ?> properties) {
        return enqueue(TallyMessage.page(name).userId(userId).properties(properties).build());
    }

    /** Records that user {@code userId} viewed the app screen {@code name}. Returns the messageId. */
    public String screen(String userId, String name) {
        return enqueue(TallyMessage.screen(name).userId(userId).build());
    }

    /** Records that user {@code userId} viewed the app screen {@code name}, with properties. Returns the messageId. */
    public String screen(String userId, String name, Map<String, ?> properties) {
        return enqueue(TallyMessage.screen(name).userId(userId).properties(properties).build());
    }

    /** Records that user {@code userId} belongs to group {@code groupId}, with the group's traits. Returns the messageId. */
    public String group(String userId, String groupId, Map<String, ?> traits) {
        return enqueue(TallyMessage.group(groupId).userId(userId).traits(traits).build());
    }

    /**
     * Records that {@code previousId} (for example an anonymous id) and {@code userId} are the same
     * person. Note the order: the new id first, like every other method here. Returns the messageId.
     */
    public String alias(String userId, String previousId) {
        return enqueue(TallyMessage.alias(previousId).userId(userId).build());
    }

    /**
     * Sends a fully specified message. A {@code messageId} or {@code timestamp} it does not carry is
     * generated here (a random UUID, the clock's current time).
     *
     * @return the message's id
     * @throws IllegalArgumentException when the message cannot be written as JSON or exceeds 32 KiB
     */
    public String enqueue(TallyMessage message) {
        requireNonNull(message, "message is null");
        String messageId = message.messageId().orElseGet(() -> UUID.randomUUID().toString());
        Instant timestamp = message.timestamp().orElseGet(clock::instant);
        pipeline.submit(encoder.encode(message, messageId, timestamp));
        return messageId;
    }

    /**
     * Sends everything enqueued before this call and waits until it is delivered or given up on,
     * for at most the builder's {@code flushTimeout} (30 s by default).
     *
     * @return true if everything was dealt with in time
     */
    public boolean flush() {
        return flush(flushTimeout);
    }

    /**
     * Sends everything enqueued before this call and waits until it is delivered or given up on,
     * for at most {@code timeout}. Messages enqueued meanwhile are sent too but not waited for.
     *
     * @return true if everything was dealt with in time; false on timeout, on interrupt, or when
     *         called from a {@link TallyListener} (the delivery thread cannot wait for itself)
     */
    public boolean flush(Duration timeout) {
        return pipeline.flush(timeout);
    }

    /** The counters so far, as an immutable snapshot. */
    public TallyStats stats() {
        return pipeline.stats();
    }

    /**
     * Delivers what is buffered, for at most the builder's {@code closeTimeout} (plus a short grace
     * to stop), then stops the delivery thread; what could not be delivered by then is counted as
     * failed. Later calls do nothing, and messages enqueued afterwards are dropped.
     */
    @Override
    public void close() {
        pipeline.close();
    }
}
