package io.tally.store.duckdb;

import io.tally.core.spi.EventStore;
import io.tally.core.spi.QueryEngine;
import io.tally.testing.EventStoreContract;
import java.nio.file.Path;
import java.time.Clock;

/** The shared store contract against a real DuckDB file. */
class DuckDbEventStoreTest extends EventStoreContract {
    @Override
    protected EventStore openStore(Path dir) {
        return new DuckDbEventStore(DuckDbSettings.of(dir.resolve("tally.duckdb")), Clock.systemUTC());
    }

    @Override
    protected QueryEngine queryEngine(EventStore store) {
        return new DuckDbQueryEngine((DuckDbEventStore) store);
    }
}
