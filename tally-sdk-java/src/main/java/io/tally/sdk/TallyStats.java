package io.tally.sdk;

/**
 * Counters of a {@link TallyClient} since it was built, as one immutable snapshot.
 *
 * <p>Every message accepted into the buffer ends up in exactly one of {@code delivered},
 * {@code rejected} or {@code failed}; until then it is {@link #pending()}. Messages that never
 * entered the buffer are {@code dropped}. Each counter is exact, but the snapshot is not taken
 * atomically across counters, so a message may briefly appear in none or, at most, be missing
 * from {@code enqueued} while the delivery thread races ahead.
 *
 * @param enqueued    messages accepted into the buffer
 * @param delivered   messages the server accepted
 * @param rejected    messages the server answered as rejected (for example an invalid event); not retried
 * @param failed      messages given up on: retries exhausted, a non-retryable answer for the whole
 *                    batch (400, 401, 403, 413, ...), or the client closed before they could be sent
 * @param dropped     messages refused at the call because the buffer stayed full for
 *                    {@code enqueueTimeout}, or because the client was already closed
 * @param retries     HTTP attempts that were repeats of an earlier attempt for the same batch
 * @param batchesSent batches the server answered with a 2xx status
 */
public record TallyStats(
        long enqueued,
        long delivered,
        long rejected,
        long failed,
        long dropped,
        long retries,
        long batchesSent) {

    public TallyStats {
        if (enqueued < 0 || delivered < 0 || rejected < 0 || failed < 0 || dropped < 0 || retries < 0 || batchesSent < 0) {
            throw new IllegalArgumentException("counters cannot be negative");
        }
    }

    /** Messages in the buffer or in flight: enqueued but neither delivered, rejected nor failed yet. */
    public long pending() {
        return Math.max(0, enqueued - delivered - rejected - failed);
    }
}
