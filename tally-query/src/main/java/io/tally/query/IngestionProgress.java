package io.tally.query;

import java.time.Instant;
import java.util.Optional;

/** How far loading has come, for {@code meta.completeUpTo}: the loader of this process, or nothing. */
public interface IngestionProgress {
    /** Every event accepted before this instant is stored and queryable. */
    Optional<Instant> completeUpTo();

    /** Events accepted but not yet stored; -1 when unknown. */
    long lagEvents();

    /** For processes without a loader: nothing is known. */
    IngestionProgress UNKNOWN = new IngestionProgress() {
        @Override
        public Optional<Instant> completeUpTo() {
            return Optional.empty();
        }

        @Override
        public long lagEvents() {
            return -1;
        }
    };
}
