package io.tally.store.clickhouse;

/**
 * Who an event belongs to, for funnels and retention (docs/queries.md, "People"): its {@code userId};
 * else the user its {@code anonymousId} was linked to; else its {@code anonymousId}.
 *
 * <p>Links come from every event of the project with both ids (its {@code anonymousId} belongs to its
 * {@code userId}) and from every {@code alias} ({@code previousId} belongs to {@code userId}). When an
 * id was linked to several users, the earliest link wins, then the smaller user id: each link is
 * written as a text whose prefix is its fixed-width time, so {@code min} of those texts is the winner.
 * A string minimum aggregates several times faster on 18.16 than {@code argMin} over a tuple
 * (measured), and it is what the {@code person_links} table keeps: a view on {@code events} adds each
 * inserted event's links (see {@link ClickHouseMigrations}). Links do not chain: the lookup is done once.
 *
 * <p>Reading links from {@code events} would read the ids of every event the project ever had, for
 * every query: seconds on 10 M events here. Only a query's events without a {@code userId} need a
 * link, so the query joins only the links of those ids, found in {@code person_links} by primary key.
 * A join costs even when it finds nothing (about 120 ms on a 4-step funnel over 200,000 events,
 * measured), so the engine first asks whether any id needs a link at all ({@link #anyLinkSql}, about
 * 20 ms) and leaves the join out when none does, which is every query over identified users only.
 * Writing the links into the query as a constant table was tried and dropped: 18.16 took seconds
 * for a thousand of them.
 *
 * <p>On a cluster every read goes through the Distributed tables; the HTTP client sets
 * {@code distributed_product_mode=global}, so a subquery's set of ids is gathered once.
 */
final class ClickHousePeople {
    /** 10^16 lifts every {@link ClickHouseTime#MICROS} value (below 4.4 * 10^15 until 2106) to 17 digits. */
    private static final String TIME_KEY = "toString(" + ClickHouseTime.MICROS + " + 10000000000000000)";
    private static final int TIME_KEY_LENGTH = 17;

    private ClickHousePeople() {
    }

    /** One row if some event matching {@code where} has no {@code userId} and an id with a link; none otherwise. */
    static String anyLinkSql(String project, String where) {
        return "SELECT link_id FROM person_links WHERE project = " + ClickHouseSql.literal(project)
                + " AND link_id IN (" + idsWithoutUser(where) + ") LIMIT 1";
    }

    /**
     * The events matching {@code where} as rows of {@code person} and {@code columns} (a select list
     * over {@code events} whose aliases {@code names} lists, for the join's outer level).
     *
     * @param linked whether some of those events need a link; see {@link #anyLinkSql}
     */
    static String resolve(String project, String columns, String names, String where, boolean linked) {
        if (!linked) {
            return "SELECT distinct_id AS person, " + columns + " FROM events WHERE " + where;
        }
        return "SELECT if(anon_only AND linked = 1, linked_user, distinct_id) AS person, " + names
                + " FROM (SELECT distinct_id, isNull(user_id) AS anon_only, " + columns + " FROM events WHERE " + where + ")"
                + " ANY LEFT JOIN (" + linksOf(project, idsWithoutUser(where)) + ") USING distinct_id";
    }

    private static String idsWithoutUser(String where) {
        return "SELECT distinct_id FROM events WHERE (" + where + ") AND isNull(user_id)";
    }

    /** {@code (distinct_id, linked_user, linked = 1)} for each id of the {@code ids} subquery that has a link. */
    private static String linksOf(String project, String ids) {
        return "SELECT link_id AS distinct_id, substring(minMerge(link), " + (TIME_KEY_LENGTH + 1) + ") AS linked_user, toUInt8(1) AS linked"
                + " FROM person_links WHERE project = " + ClickHouseSql.literal(project) + " AND link_id IN (" + ids + ")"
                + " GROUP BY link_id";
    }

    /**
     * The rows of {@code person_links} made from the events of {@code source}: per event with a
     * {@code userId}, a link from its {@code anonymousId} and, for an alias, one from its
     * {@code previousId}. The ids are named {@code link_id}: an alias {@code anonymous_id} would shadow
     * the column of that name inside the same SELECT.
     */
    static String linkRows(String source) {
        String link = "concat(" + TIME_KEY + ", ifNull(user_id, ''))";
        return "SELECT project, tupleElement(l, 2) AS link_id, toStartOfMonth(timestamp) AS month, minState(tupleElement(l, 3)) AS link"
                + " FROM " + source
                + " ARRAY JOIN arrayFilter(x -> tupleElement(x, 1) = 1, ["
                + "(toUInt8(isNotNull(anonymous_id)), ifNull(anonymous_id, ''), " + link + "), "
                + "(toUInt8(type = 'alias' AND isNotNull(previous_id)), ifNull(previous_id, ''), " + link + ")]) AS l"
                + " WHERE isNotNull(user_id)"
                + " GROUP BY project, link_id, month";
    }
}
