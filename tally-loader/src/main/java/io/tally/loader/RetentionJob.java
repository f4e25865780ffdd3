package io.tally.loader;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tally.core.retention.RetentionPolicy;
import io.tally.core.spi.EventStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces retention in the background: at start and then every {@link RetentionSettings#checkInterval}.
 *
 * <p>It runs in the loader role because the loader already owns a writable store; with several
 * loaders each runs it, which is harmless (every action is idempotent) and needs no coordination. A
 * failed run (the store is down) is logged and counted, and the next run tries again.
 */
public final class RetentionJob implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);
    private final EventStore store;
    private final RetentionSettings settings;
    private final Supplier<RetentionPolicy> policy;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Counter succeeded;
    private final Counter failed;
    private boolean closed;

    /** Enforces the policy of {@code settings}. */
    public RetentionJob(EventStore store, RetentionSettings settings, Clock clock, MeterRegistry metrics) {
        this(store, settings, settings::policy, clock, metrics);
    }

    /**
     * @param policy the policy to enforce, asked at every run (the shared one may change meanwhile);
     *     {@code settings} gives the interval
     */
    public RetentionJob(EventStore store, RetentionSettings settings, Supplier<RetentionPolicy> policy, Clock clock, MeterRegistry metrics) {
        this.store = requireNonNull(store, "store is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.clock = requireNonNull(clock, "clock is null");
        requireNonNull(metrics, "metrics is null");
        this.succeeded = Counter.builder("tally.retention.runs").tag("outcome", "ok")
                .description("Retention runs, by outcome").register(metrics);
        this.failed = Counter.builder("tally.retention.runs").tag("outcome", "failed")
                .description("Retention runs, by outcome").register(metrics);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-retention");
            t.setDaemon(true);
            return t;
        });
    }

    public synchronized void start() {
        long interval = settings.checkInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::runOnce, 0, interval, TimeUnit.MILLISECONDS);
    }

    /** One run, now; also what the schedule calls. Never throws: the next run tries again. */
    public void runOnce() {
        try {
            List<String> actions = store.expire(policy.get(), clock.instant());
            actions.forEach(a -> LOG.info("retention: {}", a));
            succeeded.increment();
        } catch (RuntimeException e) {
            failed.increment();
            LOG.warn("retention run failed, trying again in {}: {}", settings.checkInterval(), e.getMessage());
        }
    }

    /** Waits up to 30 s for a run in progress (a DROP PARTITION is quick; a mutation is only issued, not awaited). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
