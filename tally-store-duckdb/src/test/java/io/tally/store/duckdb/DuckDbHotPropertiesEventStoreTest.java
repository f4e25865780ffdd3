package io.tally.store.duckdb;

import io.tally.core.spi.EventStore;
import io.tally.core.spi.QueryEngine;
import io.tally.testing.EventStoreContract;
import java.nio.file.Path;
import java.time.Clock;

/** The shared store contract (exactly once, duplicates, positions) on a DuckDB file with hot properties, whose writes take their own path. */
class DuckDbHotPropertiesEventStoreTest extends EventStoreContract {
    @Override
    protected EventStore openStore(Path dir) {
        return new DuckDbEventStore(DuckDbSettings.of(dir.resolve("tally.duckdb"))
                .withHotProperties(DuckDbHotPropertiesContractTest.CONTRACT_KEYS), Clock.systemUTC());
    }

    @Override
    protected QueryEngine queryEngine(EventStore store) {
        return new DuckDbQueryEngine((DuckDbEventStore) store);
    }
}
