package io.tally.core.query;

import java.util.function.Supplier;

/**
 * The rows a store reports having read while it answers a question, for {@code meta.rowsRead}. The
 * query service counts around a computation ({@link #counting}); an engine that learns a figure from
 * its store (ClickHouse's statistics of a result) adds it ({@link #add}). Counting is per thread, the
 * thread that runs the computation, so the engine interface needs no extra return value.
 */
public final class RowsRead {
    private static final ThreadLocal<long[]> CURRENT = new ThreadLocal<>();

    private RowsRead() {
    }

    /** A value with the rows read to compute it: -1 when the store told nothing. */
    public record Counted<T>(T value, long rows) {
    }

    /** Runs {@code work}, counting what engines {@link #add} meanwhile on this thread. */
    public static <T> Counted<T> counting(Supplier<T> work) {
        long[] outer = CURRENT.get();
        long[] count = {-1};
        CURRENT.set(count);
        try {
            T value = work.get();
            return new Counted<>(value, count[0]);
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
                if (count[0] >= 0) {
                    add(count[0]);
                }
            }
        }
    }

    /** Adds {@code rows} to the count of the computation running on this thread, if any. */
    public static void add(long rows) {
        long[] count = CURRENT.get();
        if (count != null && rows >= 0) {
            count[0] = Math.max(0, count[0]) + rows;
        }
    }
}
