package io.tally.server;

import static java.util.Objects.requireNonNull;

import io.tally.collector.CollectorSettings;
import io.tally.loader.LoaderSettings;
import io.tally.loader.RetentionSettings;
import io.tally.query.QueryCache;
import io.tally.store.clickhouse.ClickHouseSettings;
import io.tally.store.duckdb.DuckDbSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

/**
 * Everything one Tally process needs to start. Defaults are in {@link #defaults(Path)}.
 *
 * @param kafkaBootstrap an existing Kafka cluster, or null to run the embedded broker
 * @param partitions partitions of the events topic (bounds how many loaders can share the work)
 * @param writeKey the default project's write key, or null to generate one on first start
 * @param readKey the default project's read key, or null to generate one on first start
 * @param timezone the default project's time zone, or null to keep the stored one (UTC on first start)
 * @param clickhouse the ClickHouse to store into, or null for the embedded DuckDB file
 * @param retention how long data is kept; enforced by the loader role
 * @param queryCacheMaxAge how long a query answer may be served from the cache (0 turns it off, at most 5 minutes)
 * @param hotProperties event property keys the DuckDB store keeps as columns of their own, for fast breakdowns and filters
 */
public record ServerSettings(
        String host,
        int port,
        Path dataDir,
        Set<Role> roles,
        String kafkaBootstrap,
        int partitions,
        long inFlightBytes,
        CollectorSettings collector,
        LoaderSettings loader,
        String writeKey,
        String readKey,
        ZoneId timezone,
        ClickHouseSettings clickhouse,
        RetentionSettings retention,
        Duration queryCacheMaxAge,
        SchemaSettings schemas,
        List<String> hotProperties) {

    public ServerSettings {
        requireNonNull(host, "host is null");
        requireNonNull(dataDir, "dataDir is null");
        roles = Set.copyOf(requireNonNull(roles, "roles is null"));
        requireNonNull(collector, "collector is null");
        requireNonNull(loader, "loader is null");
        requireNonNull(retention, "retention is null");
        requireNonNull(queryCacheMaxAge, "queryCacheMaxAge is null");
        requireNonNull(schemas, "schemas is null");
        hotProperties = List.copyOf(requireNonNull(hotProperties, "hotProperties is null"));
        if (!hotProperties.isEmpty() && clickhouse != null) {
            throw new IllegalArgumentException("--hot-properties applies to the embedded DuckDB store, not to --store clickhouse");
        }
        // the store's own rules (distinct, non-empty, at most 16), checked before anything starts
        DuckDbSettings.of(dataDir).withHotProperties(hotProperties);
        if (queryCacheMaxAge.isNegative() || queryCacheMaxAge.compareTo(QueryCache.LIMIT_MAX_AGE) > 0) {
            throw new IllegalArgumentException("--query-cache-max-age must be between PT0S and " + QueryCache.LIMIT_MAX_AGE
                    + ", was " + queryCacheMaxAge);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, was " + port);
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("--roles must name at least one role");
        }
        if (partitions < 1 || partitions > 1000) {
            throw new IllegalArgumentException("--partitions must be between 1 and 1000, was " + partitions);
        }
        if (writeKey != null && writeKey.isBlank() || readKey != null && readKey.isBlank()) {
            throw new IllegalArgumentException("TALLY_DEFAULT_WRITE_KEY and TALLY_DEFAULT_READ_KEY must not be blank when set");
        }
    }

    public static ServerSettings defaults(Path dataDir) {
        return new ServerSettings("0.0.0.0", 8080, dataDir, Set.of(Role.values()), null, 4, 64L * 1024 * 1024,
                CollectorSettings.defaults(), LoaderSettings.defaults(), null, null, null, null, RetentionSettings.defaults(), QueryCache.DEFAULT_MAX_AGE, SchemaSettings.defaults(), List.of());
    }

    public ServerSettings withPort(int newPort) {
        return new ServerSettings(host, newPort, dataDir, roles, kafkaBootstrap, partitions, inFlightBytes, collector, loader, writeKey, readKey, timezone, clickhouse, retention, queryCacheMaxAge, schemas, hotProperties);
    }

    public ServerSettings withHost(String newHost) {
        return new ServerSettings(newHost, port, dataDir, roles, kafkaBootstrap, partitions, inFlightBytes, collector, loader, writeKey, readKey, timezone, clickhouse, retention, queryCacheMaxAge, schemas, hotProperties);
    }

    public ServerSettings withRoles(Set<Role> newRoles) {
        return new ServerSettings(host, port, dataDir, newRoles, kafkaBootstrap, partitions, inFlightBytes, collector, loader, writeKey, readKey, timezone, clickhouse, retention, queryCacheMaxAge, schemas, hotProperties);
    }

    public ServerSettings withKafka(String bootstrap) {
        return new ServerSettings(host, port, dataDir, roles, bootstrap, partitions, inFlightBytes, collector, loader, writeKey, readKey, timezone, clickhouse, retention, queryCacheMaxAge, schemas, hotProperties);
    }

    public ServerSettings withKeys(String newWriteKey, String newReadKey) {
        return new ServerSettings(host, port, dataDir, roles, kafkaBootstrap, partitions, inFlightBytes, collector, loader, newWriteKey, newReadKey, timezone, clickhouse, retention, queryCacheMaxAge, schemas, hotProperties);
    }

    public ServerSettings withTimezone(ZoneId newTimezone) {
        return new ServerSettings(host, port, dataDir, roles, kafkaBootstrap, partitions, inFlightBytes, collector, loader, writeKey, readKey, newTimezone, clickhouse, retention, queryCacheMaxAge, schemas, hotProperties);
    }

    public ServerSettings withLoader(LoaderSettings newLoader) {
        return new ServerSettings(host, port, dataDir, roles, kafkaBootstrap, partitions, inFlightBytes, collector, newLoader, writeKey, readKey, timezone, clickhouse, retention, queryCacheMaxAge, schemas, hotProperties);
    }

    public ServerSettings withCollector(CollectorSettings newCollector) {
        return new ServerSettings(host, port, dataDir, roles, kafkaBootstrap, partitions, inFlightBytes, newCollector, loader, writeKey, readKey, timezone, clickhouse, retention, queryCacheMaxAge, schemas, hotProperties);
    }

    public ServerSettings withClickHouse(ClickHouseSettings newClickHouse) {
        return new ServerSettings(host, port, dataDir, roles, kafkaBootstrap, partitions, inFlightBytes, collector, loader, writeKey, readKey, timezone, newClickHouse, retention, queryCacheMaxAge, schemas, hotProperties);
    }

    public ServerSettings withRetention(RetentionSettings newRetention) {
        return new ServerSettings(host, port, dataDir, roles, kafkaBootstrap, partitions, inFlightBytes, collector, loader, writeKey, readKey, timezone,
                clickhouse, newRetention, queryCacheMaxAge, schemas, hotProperties);
    }

    public ServerSettings withQueryCacheMaxAge(Duration maxAge) {
        return new ServerSettings(host, port, dataDir, roles, kafkaBootstrap, partitions, inFlightBytes, collector, loader, writeKey, readKey, timezone,
                clickhouse, retention, maxAge, schemas, hotProperties);
    }

    public ServerSettings withSchemas(SchemaSettings newSchemas) {
        return new ServerSettings(host, port, dataDir, roles, kafkaBootstrap, partitions, inFlightBytes, collector, loader, writeKey, readKey, timezone,
                clickhouse, retention, queryCacheMaxAge, newSchemas, hotProperties);
    }

    public ServerSettings withPartitions(int count) {
        return new ServerSettings(host, port, dataDir, roles, kafkaBootstrap, count, inFlightBytes, collector, loader, writeKey, readKey, timezone, clickhouse, retention, queryCacheMaxAge, schemas, hotProperties);
    }

    public ServerSettings withInFlightBytes(long bytes) {
        return new ServerSettings(host, port, dataDir, roles, kafkaBootstrap, partitions, bytes, collector, loader, writeKey, readKey, timezone, clickhouse, retention, queryCacheMaxAge, schemas, hotProperties);
    }

    public ServerSettings withHotProperties(List<String> keys) {
        return new ServerSettings(host, port, dataDir, roles, kafkaBootstrap, partitions, inFlightBytes, collector, loader, writeKey, readKey, timezone, clickhouse, retention, queryCacheMaxAge, schemas, keys);
    }
}
