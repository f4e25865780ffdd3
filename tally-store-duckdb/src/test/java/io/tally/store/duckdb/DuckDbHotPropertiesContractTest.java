package io.tally.store.duckdb;

import io.tally.core.spi.EventStore;
import io.tally.core.spi.QueryEngine;
import io.tally.testing.QueryEngineContract;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The whole contract again with every event property the contract's queries name kept as a hot
 * column (strings, numbers as written, objects, booleans, a key with dots): reading the columns must
 * give exactly the reference's answers, as reading the JSON does.
 */
class DuckDbHotPropertiesContractTest extends QueryEngineContract {
    static final List<String> CONTRACT_KEYS = List.of("plan", "amount", "n", "tags", "flag", "dotted.key");

    @Override
    protected EventStore openStore(Path dir) {
        return new DuckDbEventStore(DuckDbSettings.of(dir.resolve("tally.duckdb")).withHotProperties(CONTRACT_KEYS), Clock.systemUTC());
    }

    @Override
    protected QueryEngine queryEngine(EventStore store) {
        return new DuckDbQueryEngine((DuckDbEventStore) store);
    }
}
