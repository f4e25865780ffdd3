package io.tally.testing.memory;

import io.tally.core.spi.EventStore;
import io.tally.core.spi.QueryEngine;
import io.tally.testing.QueryEngineContract;
import java.nio.file.Path;

/**
 * Runs the contract's machinery — stream generation, shuffled batched writes, comparisons and the fixed
 * cases — against a list-backed store answered by the reference itself, so that a contract failure in a
 * real store is about the store, not the contract.
 */
class InMemoryQueryEngineContractTest extends QueryEngineContract {
    @Override
    protected EventStore openStore(Path dir) {
        return new InMemoryEventStore();
    }

    @Override
    protected QueryEngine queryEngine(EventStore store) {
        return ((InMemoryEventStore) store).queryEngine();
    }
}
