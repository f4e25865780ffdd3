package io.tally.store.duckdb;

import io.tally.core.event.EventType;

/**
 * Who did an event, as "People" in docs/queries.md defines it: its userId, else the user its
 * anonymousId is linked to, else its anonymousId. A link comes from any event with both ids and from
 * an alias (previousId to userId), over all of the project's events; the earliest link of an anonymous
 * id wins, equal times to the smaller user id; links do not chain.
 *
 * <p>The links are kept in {@code person_links}, written in the transaction that writes the events
 * ({@link DuckDbEventStore}): a log of candidate links, at least the earliest of each anonymous id,
 * reduced to one per id when a query reads it. {@link KnownLinks} keeps most repeats out of it.
 */
final class DuckDbPeople {
    /** Over a group of links of one anonymous id: "the link made by the earliest event wins (equal times: the smaller user id)". */
    private static final String EARLIEST_UID = "arg_min(uid, {linked_at: linked_at, uid: uid})";

    /** The person of the events row {@code e}, joined to {@code links l} by {@link #JOIN}. */
    static final String PERSON = "CASE WHEN e.user_id IS NOT NULL THEN e.user_id WHEN e.anonymous_id IS NULL THEN e.distinct_id"
            + " ELSE coalesce(l.uid, e.anonymous_id) END";

    /**
     * Joins {@code events e} to the link of its anonymous id, when it needs one. The key is NULL for an
     * event with a userId, so those find no link; written as {@code e.user_id IS NULL AND l.anon =
     * e.anonymous_id} instead, the condition on one side only made DuckDB 1.4 drop the hash join for a
     * nested-loop join: about 100 s for 2.6 M events and 120,000 links (measured), against well
     * under a second.
     */
    static final String JOIN = "events e LEFT JOIN links l ON l.anon = CASE WHEN e.user_id IS NULL THEN e.anonymous_id END";

    private DuckDbPeople() {
    }

    /** Writes the CTE {@code links (anon, uid)} of the project, without a leading comma or {@code WITH}. */
    static void linkCte(SqlWriter w, String project) {
        w.sql("links AS (SELECT anon, " + EARLIEST_UID + " AS uid FROM person_links WHERE project = ").value(project).sql(" GROUP BY anon)");
    }

    /**
     * The earliest link per (project, anonymous id) among the rows of {@code table} (with the columns of
     * {@code events}) that meet {@code condition}: rows of (project, anon, uid, linked_at), at most one
     * per anonymous id, as {@code person_links} holds them.
     */
    static String linksFrom(String table, String condition) {
        // "when identify, alias or any event carries both a userId and an anonymousId"
        String both = "SELECT project, anonymous_id AS anon, user_id AS uid, timestamp AS linked_at FROM " + table
                + " WHERE user_id IS NOT NULL AND anonymous_id IS NOT NULL AND (" + condition + ")";
        // "an alias links its previousId to its userId"
        String alias = "SELECT project, previous_id, user_id, timestamp FROM " + table + " WHERE type = '" + EventType.ALIAS.wireName()
                + "' AND user_id IS NOT NULL AND previous_id IS NOT NULL AND (" + condition + ")";
        return earliest(both + " UNION ALL " + alias);
    }

    /** The earliest of the {@code candidates} (rows of project, anon, uid, linked_at) per anonymous id. */
    private static String earliest(String candidates) {
        return "SELECT project, anon, " + EARLIEST_UID + " AS uid, min(linked_at) AS linked_at FROM (" + candidates + ") GROUP BY project, anon";
    }
}
