package io.tally.store.clickhouse;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Where Tally's tables live and how they are created, on one server or on a cluster. The SQL of
 * reads and inserts names the same tables either way ({@code events}, {@code message_ids}, ...):
 * on one server they are the tables themselves; on a cluster they are {@code Distributed} tables over
 * per-shard replicated tables named {@code *_local}.
 *
 * <p>On a cluster every statement runs {@code ON CLUSTER}, so one process creates the schema on every
 * node; the replication paths use the {@code shard} and {@code replica} macros of each node, and the
 * replica names must be unique across the cluster because small bookkeeping tables (loader positions,
 * migrations) are replicated to every node under one shared path.
 */
final class TableLayout {
    private final String database;
    private final String cluster;

    TableLayout(String database, String cluster) {
        this.database = requireNonNull(database, "database is null");
        this.cluster = requireNonNull(cluster, "cluster is null");
    }

    static TableLayout of(ClickHouseSettings settings) {
        return new TableLayout(settings.database(), settings.cluster());
    }

    String database() {
        return database;
    }

    boolean clustered() {
        return !cluster.isEmpty();
    }

    /** The table that holds a sharded table's rows on one node: what materialized views and mutations name. */
    String local(String table) {
        return clustered() ? table + "_local" : table;
    }

    String qualified(String table) {
        return database + "." + table;
    }

    String onCluster() {
        return clustered() ? " ON CLUSTER " + cluster : "";
    }

    String createDatabase() {
        return "CREATE DATABASE IF NOT EXISTS " + database + onCluster();
    }

    /**
     * A table spread over the shards by {@code shardingKey}, replicated within each shard.
     *
     * @param engine a MergeTree family engine name without prefix, e.g. {@code ReplacingMergeTree}
     * @param engineArgs the engine's own arguments (e.g. a version column), or empty
     * @param rest everything after the engine: PARTITION BY, ORDER BY
     */
    List<String> sharded(String table, String columns, String engine, String engineArgs, String rest, String shardingKey) {
        if (!clustered()) {
            return List.of(create(table, columns, engine + "(" + engineArgs + ")", rest));
        }
        String local = local(table);
        String path = "'/clickhouse/tables/{shard}/" + database + "/" + local + "', '{replica}'";
        return List.of(
                create(local, columns, replicated(engine, path, engineArgs), rest),
                "CREATE TABLE IF NOT EXISTS " + qualified(table) + onCluster() + " AS " + qualified(local)
                        + " ENGINE = Distributed(" + cluster + ", " + database + ", " + local + ", " + shardingKey + ")");
    }

    /**
     * A table that keeps nothing (engine Null) and exists for the materialized views on it: what is
     * inserted reaches the views and no part of it is stored. On a cluster, a Distributed table in front
     * sends each row to one shard by {@code shardingKey}, where the views of that node see it.
     */
    List<String> feed(String table, String columns, String shardingKey) {
        if (!clustered()) {
            return List.of(create(table, columns, "Null", ""));
        }
        String local = local(table);
        return List.of(
                create(local, columns, "Null", ""),
                "CREATE TABLE IF NOT EXISTS " + qualified(table) + onCluster() + " AS " + qualified(local)
                        + " ENGINE = Distributed(" + cluster + ", " + database + ", " + local + ", " + shardingKey + ")");
    }

    /** A small table with the same rows on every node: bookkeeping every process must see whole. */
    String everywhere(String table, String columns, String engine, String engineArgs, String rest) {
        if (!clustered()) {
            return create(table, columns, engine + "(" + engineArgs + ")", rest);
        }
        String path = "'/clickhouse/tables/all/" + database + "/" + table + "', '{replica}'";
        return create(table, columns, replicated(engine, path, engineArgs), rest);
    }

    /** A materialized view on one node's rows of {@code source}, writing into that node's {@code target}. */
    String materializedView(String view, String target, String select) {
        return "CREATE MATERIALIZED VIEW IF NOT EXISTS " + qualified(view) + onCluster() + " TO " + qualified(local(target))
                + " AS " + select;
    }

    private String create(String table, String columns, String engine, String rest) {
        return "CREATE TABLE IF NOT EXISTS " + qualified(table) + onCluster() + " (\n" + columns + "\n) ENGINE = " + engine
                + "\n" + rest;
    }

    private static String replicated(String engine, String path, String engineArgs) {
        return "Replicated" + engine + "(" + path + (engineArgs.isEmpty() ? "" : ", " + engineArgs) + ")";
    }
}
