package io.tally.store.clickhouse;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;

/**
 * How to reach ClickHouse.
 *
 * @param url the HTTP interface, e.g. {@code http://127.0.0.1:8123}
 * @param user the ClickHouse user
 * @param password the user's password; may be empty, never null
 * @param database where Tally's tables live; created by the migrations when missing. Restricted to
 *     {@code [A-Za-z_][A-Za-z0-9_]*} so that it is safe as an identifier everywhere
 * @param connectTimeout how long to wait for a TCP connection
 * @param queryTimeout how long one request may take, end to end; also sent as the server's
 *     {@code max_execution_time} for reads so the server stops work nobody waits for
 * @param compressInserts gzip insert bodies: saves network on a remote server, costs CPU on a local one
 * @param cluster the name of the cluster in the servers' {@code remote_servers} config, or empty for one
 *     server; with a cluster the tables are replicated per shard behind {@code Distributed} tables (see
 *     {@link ClickHouseMigrations}) and the servers need ZooKeeper and the macros {@code shard} and
 *     {@code replica}
 */
public record ClickHouseSettings(URI url, String user, String password, String database,
                                 Duration connectTimeout, Duration queryTimeout, boolean compressInserts, String cluster) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(60);
    private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";

    public ClickHouseSettings {
        requireNonNull(url, "clickhouse.url is null");
        requireNonNull(user, "clickhouse.user is null");
        requireNonNull(password, "clickhouse.password is null");
        requireNonNull(database, "clickhouse.database is null");
        requireNonNull(connectTimeout, "clickhouse.connect-timeout is null");
        requireNonNull(queryTimeout, "clickhouse.query-timeout is null");
        requireNonNull(cluster, "clickhouse.cluster is null");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("clickhouse.url must be an http:// or https:// URL, was " + url);
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("clickhouse.url has no host: " + url);
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("clickhouse.url must not carry a query or fragment, was " + url);
        }
        if (user.isBlank()) {
            throw new IllegalArgumentException("clickhouse.user is empty");
        }
        if (!database.matches(IDENTIFIER)) {
            throw new IllegalArgumentException("clickhouse.database must match " + IDENTIFIER + ", was '" + database + "'");
        }
        if (!cluster.isEmpty() && !cluster.matches(IDENTIFIER)) {
            throw new IllegalArgumentException("clickhouse.cluster must match " + IDENTIFIER + ", was '" + cluster + "'");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("clickhouse.connect-timeout must be positive, was " + connectTimeout);
        }
        if (queryTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("clickhouse.query-timeout must be at least 1s, was " + queryTimeout);
        }
    }

    /** The defaults: user {@code default} without password, plain inserts, 5 s connect, 60 s per request. */
    public static ClickHouseSettings of(String url, String database) {
        return new ClickHouseSettings(URI.create(url), "default", "", database,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_QUERY_TIMEOUT, false, "");
    }

    public ClickHouseSettings withCredentials(String user, String password) {
        return new ClickHouseSettings(url, user, password, database, connectTimeout, queryTimeout, compressInserts, cluster);
    }

    /** Cluster mode on the named cluster; empty for one server. */
    public ClickHouseSettings withCluster(String cluster) {
        return new ClickHouseSettings(url, user, password, database, connectTimeout, queryTimeout, compressInserts, cluster);
    }

    public boolean clustered() {
        return !cluster.isEmpty();
    }

    /** Keeps the password out of logs and error messages. */
    @Override
    public String toString() {
        return "ClickHouseSettings[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
                + ", database=" + database + ", connectTimeout=" + connectTimeout + ", queryTimeout=" + queryTimeout
                + ", compressInserts=" + compressInserts + ", cluster=" + cluster + "]";
    }
}
