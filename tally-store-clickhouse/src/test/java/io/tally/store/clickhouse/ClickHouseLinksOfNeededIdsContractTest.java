package io.tally.store.clickhouse;

import io.tally.core.spi.EventStore;
import io.tally.core.spi.QueryEngine;

/**
 * The shared query contract with every funnel and retention joining only the links of the query's own
 * anonymous ids ({@link ClickHousePeople.Links#NEEDED}). The engine picks that way only when a project
 * has many more links than a query has anonymous events, which the contract's small random streams
 * rarely make, so {@link ClickHouseQueryEngineContractTest} would hardly ever run it.
 */
class ClickHouseLinksOfNeededIdsContractTest extends ClickHouseQueryEngineContractTest {
    @Override
    protected QueryEngine queryEngine(EventStore store) {
        return new ClickHouseQueryEngine((ClickHouseEventStore) store, true, ClickHousePeople.Links.NEEDED);
    }
}
