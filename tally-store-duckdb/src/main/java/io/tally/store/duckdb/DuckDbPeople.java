package io.tally.store.duckdb;

import io.tally.core.event.EventType;
import java.util.function.Consumer;

/**
 * Who did an event, as "People" in docs/queries.md defines it: its userId, else the user its
 * anonymousId is linked to, else its anonymousId. A link comes from any event with both ids and from
 * an alias (previousId to userId), over all of the project's events; the earliest link of an anonymous
 * id wins, equal times to the smaller user id; links do not chain.
 *
 * <p>Only events without a userId need a link, so links are looked up only for the anonymous ids of
 * such events in the rows a query reads. In identified traffic, where nearly every event carries a
 * userId, that set is small or empty and the look-up costs next to nothing.
 */
final class DuckDbPeople {
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

    /**
     * Writes the CTEs {@code anon_ids} and {@code links (anon, uid)}, without a leading comma or
     * {@code WITH}, for the anonymous ids of the project's events that meet {@code rows}, a condition
     * on unqualified columns of {@code events}. A condition looser than the query's is fine: extra
     * links are never joined.
     */
    static void linkCtes(SqlWriter w, String project, Consumer<SqlWriter> rows) {
        w.sql("anon_ids AS (SELECT DISTINCT anonymous_id AS anon FROM events WHERE project = ").value(project)
                .sql(" AND user_id IS NULL AND anonymous_id IS NOT NULL AND ");
        rows.accept(w);
        w.sql("), links AS (SELECT anon, arg_min(uid, {linked_at: linked_at, uid: uid}) AS uid FROM (");
        // "when identify, alias or any event carries both a userId and an anonymousId"
        w.sql("SELECT anonymous_id AS anon, user_id AS uid, timestamp AS linked_at FROM events WHERE project = ").value(project)
                .sql(" AND user_id IS NOT NULL AND anonymous_id IN (SELECT anon FROM anon_ids)");
        // "an alias links its previousId to its userId"
        w.sql(" UNION ALL SELECT previous_id, user_id, timestamp FROM events WHERE project = ").value(project)
                .sql(" AND type = ").value(EventType.ALIAS.wireName())
                .sql(" AND user_id IS NOT NULL AND previous_id IN (SELECT anon FROM anon_ids)");
        w.sql(") GROUP BY anon)");
    }
}
