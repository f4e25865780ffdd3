package io.tally.store.clickhouse;

import io.tally.core.spi.EventStore;
import io.tally.core.spi.QueryEngine;
import io.tally.testing.QueryEngineContract;
import io.tally.testing.TestingClickHouse;
import java.nio.file.Path;
import java.time.Clock;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** The shared query contract: ClickHouse's answers against the reference's, on one real server for the class. */
class ClickHouseQueryEngineContractTest extends QueryEngineContract {
    private static TestingClickHouse server;

    @BeforeContainer
    static void startServer() {
        server = TestingClickHouse.start();
    }

    @AfterContainer
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    protected EventStore openStore(Path dir) {
        return new ClickHouseEventStore(TestDatabases.settings(server, dir), Clock.systemUTC());
    }

    @Override
    protected QueryEngine queryEngine(EventStore store) {
        return new ClickHouseQueryEngine((ClickHouseEventStore) store);
    }
}
