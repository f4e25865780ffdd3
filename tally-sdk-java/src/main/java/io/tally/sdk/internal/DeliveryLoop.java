package io.tally.sdk.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client's one background thread: takes due batches from the buffer and delivers them, one
 * at a time and in order (which keeps each user's events in order and makes flush tracking a
 * single number). Stopping closes the buffer, lets the thread drain it, and only if that takes
 * longer than allowed aborts the delivery in progress — a wakeup, never an interrupt.
 */
public final class DeliveryLoop {

    public enum State { CREATED, RUNNING, STOPPING, STOPPED }

    /** How long a stop waits for the thread after aborting, on top of the close timeout. */
    static final Duration ABORT_GRACE = Duration.ofSeconds(2);
    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();

    private final MessageBuffer buffer;
    private final BatchDelivery delivery;
    private final Notifier notifier;
    private final Thread thread;
    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);

    public DeliveryLoop(MessageBuffer buffer, BatchDelivery delivery, Notifier notifier) {
        this.buffer = requireNonNull(buffer, "buffer is null");
        this.delivery = requireNonNull(delivery, "delivery is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
        this.thread = new Thread(this::run, "tally-sdk-flush-" + THREAD_NUMBERS.incrementAndGet());
        this.thread.setDaemon(true); // analytics must never keep an application from exiting
    }

    public void start() {
        if (state.compareAndSet(State.CREATED, State.RUNNING)) {
            thread.start();
        }
    }

    public State state() {
        return state.get();
    }

    public boolean isDeliveryThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Delivers what is buffered within {@code timeout}, then gives up on the rest. Returns whether
     * the thread has ended. Called on the delivery thread itself (from a listener) it cannot wait
     * for itself, so it only closes the buffer and the thread ends after draining.
     */
    public boolean stop(Duration timeout) {
        state.compareAndSet(State.RUNNING, State.STOPPING);
        buffer.close();
        if (isDeliveryThread()) {
            return false;
        }
        if (!join(timeout)) {
            delivery.abort();
            join(ABORT_GRACE);
        }
        return !thread.isAlive();
    }

    private void run() {
        try {
            Optional<MessageBuffer.Batch> next;
            while ((next = buffer.nextBatch()).isPresent()) {
                deliver(next.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // nobody should interrupt this thread; stop cleanly anyway
        } finally {
            buffer.close();
            buffer.takeAll().ifPresent(rest -> {
                delivery.giveUp(rest.messages(), "the delivery thread stopped before the message was sent");
                buffer.complete(rest);
            });
            state.set(State.STOPPED);
        }
    }

    private void deliver(MessageBuffer.Batch batch) {
        try {
            delivery.deliver(batch.messages());
        } catch (RuntimeException e) {
            notifier.unexpected("delivering a batch failed unexpectedly", e);
            delivery.giveUp(batch.messages(), "unexpected error: " + e);
        } finally {
            buffer.complete(batch);
        }
    }

    private boolean join(Duration timeout) {
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }
}
