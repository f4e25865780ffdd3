package io.tally.sdk.internal;

import static java.util.Objects.requireNonNull;

import io.tally.sdk.TallyListener.DropReason;
import io.tally.sdk.TallyStats;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Everything behind a client that owns resources: the buffer, the HTTP client and the delivery
 * thread. Built from validated settings; started on construction; closed once.
 */
public final class Pipeline implements AutoCloseable {
    private final ClientSettings settings;
    private final MessageBuffer buffer;
    private final Counters counters = new Counters();
    private final Notifier notifier;
    private final DeliveryLoop loop;
    private final AtomicBoolean closed = new AtomicBoolean();

    public Pipeline(ClientSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        this.notifier = new Notifier(settings.listener());
        this.buffer = new MessageBuffer(
                settings.maxBufferBytes(), settings.flushAt(), settings.maxBatchBytes(), settings.flushInterval());
        this.loop = new DeliveryLoop(buffer, delivery(settings), notifier);
        loop.start();
    }

    private BatchDelivery delivery(ClientSettings settings) {
        // HTTP/1.1: over plain http the JDK would otherwise try an h2c upgrade on every new connection.
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.httpTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        BatchTransport transport = new BatchTransport(
                http, settings.batchUri(), settings.writeKey(), settings.gzip(), settings.httpTimeout(), settings.clock());
        Backoff backoff = new Backoff(settings.retryBaseDelay(), settings.retryMaxDelay(), settings.random());
        return new BatchDelivery(transport, backoff, settings.maxRetries(), counters, notifier);
    }

    /** Buffers the message, waiting up to the enqueue timeout for space; a refusal is counted, never thrown. */
    public void submit(EncodedMessage message) {
        MessageBuffer.OfferResult result = buffer.offer(message, settings.enqueueTimeout().toNanos());
        if (result == MessageBuffer.OfferResult.ACCEPTED) {
            return;
        }
        counters.dropped.incrementAndGet();
        notifier.dropped(message.messageId(),
                result == MessageBuffer.OfferResult.FULL ? DropReason.BUFFER_FULL : DropReason.CLIENT_CLOSED);
    }

    /** Waits until everything accepted before the call is delivered or given up on. */
    public boolean flush(Duration timeout) {
        requireNonNull(timeout, "timeout is null");
        if (loop.isDeliveryThread()) {
            return false; // it would wait for itself
        }
        long target = buffer.requestFlush();
        try {
            return buffer.awaitCompleted(target, timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public TallyStats stats() {
        return counters.snapshot(buffer.acceptedCount());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            loop.stop(settings.closeTimeout());
        }
    }
}
