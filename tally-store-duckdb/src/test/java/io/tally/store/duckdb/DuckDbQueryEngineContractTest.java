package io.tally.store.duckdb;

import io.tally.core.spi.EventStore;
import io.tally.core.spi.QueryEngine;
import io.tally.testing.QueryEngineContract;
import java.nio.file.Path;
import java.time.Clock;

/** The DuckDB engine against the reference implementation, on the contract's fixed cases and random streams. */
class DuckDbQueryEngineContractTest extends QueryEngineContract {
    @Override
    protected EventStore openStore(Path dir) {
        return new DuckDbEventStore(DuckDbSettings.of(dir.resolve("tally.duckdb")), Clock.systemUTC());
    }

    @Override
    protected QueryEngine queryEngine(EventStore store) {
        return new DuckDbQueryEngine((DuckDbEventStore) store);
    }
}
