package io.tally.api.live;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Running totals of ingestion in this process, for the health panel. The server reads them from its
 * metrics; a process without a collector or loader has none of theirs, which the panel shows as
 * "not in this process" rather than as zero.
 */
public interface IngestionCounters {
    /** Empty when this process runs no collector. */
    Optional<CollectorCounts> collector();

    /** Events the loader of this process stored since it started; empty when it runs no loader. */
    OptionalLong stored();

    /** For a process that neither collects nor loads. */
    IngestionCounters NONE = new IngestionCounters() {
        @Override
        public Optional<CollectorCounts> collector() {
            return Optional.empty();
        }

        @Override
        public OptionalLong stored() {
            return OptionalLong.empty();
        }
    };
}
