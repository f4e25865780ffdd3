package io.tally.store.clickhouse;

import static java.util.Objects.requireNonNull;

import io.tally.core.retention.Retention;
import io.tally.core.retention.RetentionPolicy;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Retention on ClickHouse by dropping whole monthly partitions, which works on every version (18.16
 * has no TTL) and costs nothing: a dropped partition is files removed, not rows rewritten.
 *
 * <p>A month goes once it is older than every project's retention, so data is kept up to a month
 * longer than the policy, never shorter. A project that keeps less than the longest retention loses
 * its older rows by a mutation ({@code ALTER TABLE ... DELETE}), issued only when such rows exist;
 * mutations rewrite parts, so they are for the exception, not for the default.
 */
final class ClickHouseRetention {
    private static final long HOUR = 3_600;
    private static final long DAY = 86_400;
    /** Intents are needed until their batch is done; a month of history is plenty for diagnosis. */
    private static final int INTENT_MONTHS = 1;
    /** Small bookkeeping tables replicated whole to every node (see {@link TableLayout#everywhere}). */
    private static final java.util.Set<String> EVERYWHERE = java.util.Set.of("rollup_intents", "batch_plans", "rejected_events");
    private final ClickHouseHttp http;
    private final TableLayout layout;

    ClickHouseRetention(ClickHouseHttp http, TableLayout layout) {
        this.http = requireNonNull(http, "http is null");
        this.layout = requireNonNull(layout, "layout is null");
    }

    List<String> expire(RetentionPolicy policy, Instant now) {
        requireNonNull(policy, "policy is null");
        requireNonNull(now, "now is null");
        List<String> actions = new ArrayList<>();
        Instant rawCutoff = policy.rawCutoffForAll(now);
        Instant rollupCutoff = policy.rollupCutoffForAll(now);
        dropMonths(List.of("events", "stored_ids", "person_links"), "events", "timestamp", rawCutoff, actions);
        dropMonths(List.of("events_hourly", "events_daily"), "events_daily", "day", rollupCutoff, actions);
        // refused events are kept as long as raw events, in whole months (per-project retention does not shorten them)
        dropMonths(List.of("rejected_events"), "rejected_events", "received_at", rawCutoff, actions);
        dropMonths(List.of("rollup_intents"), "rollup_intents", "written_at",
                now.atOffset(ZoneOffset.UTC).minusMonths(INTENT_MONTHS).toInstant(), actions);
        dropMonths(List.of("batch_plans"), "batch_plans", "written_at",
                now.atOffset(ZoneOffset.UTC).minusMonths(INTENT_MONTHS).toInstant(), actions);
        for (String project : projects()) {
            Retention retention = policy.forProject(project);
            Instant raw = retention.rawCutoff(now);
            if (raw.isAfter(rawCutoff)) {
                deleteOlder(project, List.of("events"), "events", "timestamp < toDateTime(" + raw.getEpochSecond() + ")", raw, actions);
                // a link row holds a month's links, and a stored id only its event's month: they go when all
                // of their month is older (an id kept a little longer only refuses a retry of an expired
                // event); 18.16 compares a Date with a DateTime as plain numbers, so the bound is a Date too
                String olderMonths = "month < toStartOfMonth(toDate(toDateTime(" + raw.getEpochSecond() + ")))";
                deleteOlder(project, List.of("stored_ids"), "stored_ids", olderMonths, raw, actions);
                deleteOlder(project, List.of("person_links"), "person_links", olderMonths, raw, actions);
            }
            Instant rollups = retention.rollupCutoff(now);
            if (rollups.isAfter(rollupCutoff)) {
                // a rollup row goes only when all of its hour or day is older than the cutoff
                deleteOlder(project, List.of("events_hourly"), "events_hourly", "hour < toDateTime(" + (rollups.getEpochSecond() - HOUR + 1) + ")",
                        Instant.ofEpochSecond(rollups.getEpochSecond() - HOUR + 1), actions);
                deleteOlder(project, List.of("events_daily"), "events_daily", "day < toDateTime(" + (rollups.getEpochSecond() - DAY + 1) + ")",
                        Instant.ofEpochSecond(rollups.getEpochSecond() - DAY + 1), actions);
            }
        }
        return actions;
    }

    /**
     * Drops every monthly partition that ends at or before {@code cutoff} and has rows. Which months have
     * rows is read from the expired range only, which the partitions' min/max index narrows to those
     * months' parts. On a cluster the probe goes through the Distributed table, so a month that only
     * one shard holds is found too.
     */
    private void dropMonths(List<String> tables, String probeTable, String timeColumn, Instant cutoff, List<String> actions) {
        YearMonth firstKept = YearMonth.from(cutoff.atOffset(ZoneOffset.UTC));
        long firstKeptStart = firstKept.atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        List<List<String>> months = http.select("SELECT toYYYYMM(" + timeColumn + ") AS month FROM " + probeTable
                + " WHERE " + timeColumn + " < toDateTime(" + firstKeptStart + ") GROUP BY month ORDER BY month");
        for (List<String> row : months) {
            int partition = Integer.parseInt(row.get(0));
            for (String table : tables) {
                http.execute("ALTER TABLE " + layout.qualified(physical(table)) + layout.onCluster() + " DROP PARTITION " + partition);
            }
            actions.add("dropped " + YearMonth.of(partition / 100, partition % 100) + " from " + String.join(", ", tables));
        }
    }

    /** The table that holds the rows on each node: sharded tables have a local one, tables kept everywhere are their own. */
    private String physical(String table) {
        return EVERYWHERE.contains(table) ? table : layout.local(table);
    }

    /**
     * @param older which of the project's rows are older than its retention, e.g. {@code timestamp < toDateTime(N)}
     * @param cutoff that retention's cutoff, for the action's description
     */
    private void deleteOlder(String project, List<String> tables, String probeTable, String older, Instant cutoff, List<String> actions) {
        String condition = "project = " + ClickHouseSql.literal(project) + " AND " + older;
        if (http.select("SELECT count() FROM " + probeTable + " WHERE " + condition).get(0).get(0).equals("0")) {
            return;
        }
        for (String table : tables) {
            http.execute("ALTER TABLE " + layout.qualified(layout.local(table)) + layout.onCluster() + " DELETE WHERE " + condition);
        }
        actions.add("deleting rows of project " + project + " before " + cutoff + " from " + String.join(", ", tables));
    }

    /** Every project with stored data: rollups outlive raw events by default, ids cover the other case. */
    private Set<String> projects() {
        Set<String> projects = new LinkedHashSet<>();
        http.select("SELECT DISTINCT project FROM events_daily").forEach(r -> projects.add(r.get(0)));
        http.select("SELECT DISTINCT project FROM stored_ids").forEach(r -> projects.add(r.get(0)));
        return projects;
    }
}
