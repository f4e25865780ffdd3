package io.tally.sdk.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/** The outcome of one HTTP attempt to send a batch. */
public sealed interface SendResult {

    /** The server took the batch (2xx); some messages may still have been rejected one by one. */
    record Delivered(List<Rejection> rejections) implements SendResult {
        public Delivered {
            rejections = List.copyOf(rejections);
        }
    }

    /** Worth trying again (429, 5xx, network trouble), no sooner than {@code retryAfter}. */
    record Retryable(String reason, Duration retryAfter) implements SendResult {
        public Retryable {
            requireNonNull(reason, "reason is null");
            requireNonNull(retryAfter, "retryAfter is null");
        }
    }

    /** The server refused the whole batch in a way that sending it again cannot fix (400, 401, 403, 413). */
    record Fatal(String reason) implements SendResult {
        public Fatal {
            requireNonNull(reason, "reason is null");
        }
    }

    /** One message the server rejected, with its reason. */
    record Rejection(String messageId, String code, String message) {
        public Rejection {
            requireNonNull(messageId, "messageId is null");
            requireNonNull(code, "code is null");
            requireNonNull(message, "message is null");
        }
    }
}
