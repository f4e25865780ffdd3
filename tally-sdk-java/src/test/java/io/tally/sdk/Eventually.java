package io.tally.sdk;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a generous limit; tests assert outcomes, never how fast they came. */
final class Eventually {
    static final Duration LIMIT = Duration.ofSeconds(30);

    private Eventually() {}

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + LIMIT + " waiting for: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }
}
