package io.tally.sdk;

import java.util.List;

/**
 * Hears about messages that did not make it, for applications that want more than
 * {@link TallyClient#stats()} and the log. Every method has an empty default, so implement only
 * what you need.
 *
 * <p>{@link #onRejected} and {@link #onFailed} run on the client's delivery thread and
 * {@link #onDropped} on the thread that made the call: keep them short and never block in them.
 * Exceptions they throw are logged and otherwise ignored. Calling {@link TallyClient#flush()} from
 * a listener returns {@code false} at once rather than waiting for the thread it runs on.
 */
public interface TallyListener {

    /** Why a message never entered the buffer. */
    enum DropReason {
        /** The buffer stayed full for the whole {@code enqueueTimeout}. */
        BUFFER_FULL,
        /** The client had already been closed. */
        CLIENT_CLOSED
    }

    /** A listener that does nothing: the default. */
    TallyListener NONE = new TallyListener() {};

    /** The server received the message and rejected it (it will not be retried). */
    default void onRejected(String messageId, String errorCode, String errorMessage) {}

    /**
     * The client gave up on these messages: the whole batch was refused (for example HTTP 400 or
     * 401), every retry failed, or the client was closed before they could be delivered.
     */
    default void onFailed(List<String> messageIds, String reason) {}

    /** The message was refused at the call and never buffered. */
    default void onDropped(String messageId, DropReason reason) {}
}
