package io.tally.store.clickhouse;

import io.tally.core.spi.EventStore;
import io.tally.core.spi.QueryEngine;
import io.tally.testing.QueryEngineContract;
import io.tally.testing.TestingClickHouse;
import java.nio.file.Path;
import java.time.Clock;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The shared query contract with every funnel and retention joining only the links of the query's own
 * anonymous ids ({@link ClickHousePeople.Links#NEEDED}). The engine picks that way only when a project
 * has many more links than a query has anonymous events, which the contract's small random streams
 * rarely make, so {@link ClickHouseQueryEngineContractTest} would hardly ever run it.
 */
class ClickHouseLinksOfNeededIdsContractTest extends QueryEngineContract {
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
        return new ClickHouseQueryEngine((ClickHouseEventStore) store, true, ClickHousePeople.Links.NEEDED);
    }
}
