package io.tally.sdk.internal;

import static java.util.Objects.requireNonNull;

import io.tally.sdk.TallyListener;
import io.tally.sdk.TallyListener.DropReason;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells the log and the application's listener about messages that did not make it. Uses the
 * JDK's {@link System.Logger}, which routes to whatever logging the application has, so the SDK
 * needs no logging library. A listener that throws is logged, never allowed to hurt delivery.
 */
public final class Notifier {
    private static final System.Logger LOG = System.getLogger("io.tally.sdk");

    private final TallyListener listener;
    private final AtomicBoolean warnedAboutDrops = new AtomicBoolean();

    public Notifier(TallyListener listener) {
        this.listener = requireNonNull(listener, "listener is null");
    }

    public void rejected(List<SendResult.Rejection> rejections) {
        if (rejections.isEmpty()) {
            return;
        }
        SendResult.Rejection first = rejections.get(0);
        LOG.log(Level.WARNING, "Tally rejected {0} message(s), e.g. {1}: {2}: {3}",
                rejections.size(), first.messageId(), first.code(), first.message());
        for (SendResult.Rejection rejection : rejections) {
            guarded(() -> listener.onRejected(rejection.messageId(), rejection.code(), rejection.message()));
        }
    }

    public void failed(List<String> messageIds, String reason) {
        LOG.log(Level.WARNING, "Tally gave up on {0} message(s): {1}", messageIds.size(), reason);
        guarded(() -> listener.onFailed(List.copyOf(messageIds), reason));
    }

    // A full buffer tends to drop many messages in a row; one warning says it, stats() counts the rest.
    public void dropped(String messageId, DropReason reason) {
        if (warnedAboutDrops.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "Tally dropped message {0}: {1}; further drops are logged at DEBUG and counted in stats().dropped()",
                    messageId, reason);
        } else {
            LOG.log(Level.DEBUG, "Tally dropped message {0}: {1}", messageId, reason);
        }
        guarded(() -> listener.onDropped(messageId, reason));
    }

    public void retrying(int batchSize, int retry, Duration delay, String reason) {
        LOG.log(Level.DEBUG, "Tally retry {0} of a batch of {1} in {2} ms after: {3}",
                retry, batchSize, delay.toMillis(), reason);
    }

    public void unexpected(String what, Throwable error) {
        LOG.log(Level.ERROR, "Tally: " + what, error);
    }

    private static void guarded(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a TallyListener threw; ignored", e);
        }
    }
}
