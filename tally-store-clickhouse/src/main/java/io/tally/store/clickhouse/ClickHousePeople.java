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
 * link, so only those are joined to {@code person_links}; the events with a {@code userId} take it as
 * their person and skip the join (a UNION ALL of the two). Joining every event instead made the join
 * most of a funnel's time on the query benchmark (about 4 s of 8 on 2.6 M events, measured).
 *
 * <p>Which links are joined is chosen per query from two counts ({@link #linkRowsSql} and
 * {@link #anonymousEventsSql}, a few tens of milliseconds): the query's events without a
 * {@code userId}, and the project's rows in {@code person_links}. None of the first, or no links at
 * all: no join. Links not many more than those events: all of the project's links, read whole (0.4 s
 * for 380,000 rows here). Many more: only the links of the query's anonymous ids, found by primary
 * key through an IN subquery; that subquery's set is built from every such event, which cost 0.7 s
 * for a funnel's 1.1 M anonymous events and 3 s for a retention table's here, so it pays only when it
 * leaves most links unread. Writing the links into the
 * query as a constant table was tried and dropped: 18.16 took seconds for a thousand of them.
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

    /** Which links a query joins; see the class comment. */
    enum Links {
        /** No event of the query needs a link: its person is its distinct id. */
        NONE,
        /** Every link of the project. */
        ALL,
        /** The links of the query's anonymous ids only. */
        NEEDED;

        /** Read all links while they are at most this many times the events that need one. */
        private static final long ALL_FACTOR = 2;

        /**
         * From the two counts; {@code anonymousEvents} may be counted only up to
         * {@link #anonymousEventsForAll}, since any number from there on gives the same choice.
         */
        static Links choose(long anonymousEvents, long linkRows) {
            if (anonymousEvents == 0 || linkRows == 0) {
                return NONE;
            }
            return linkRows <= ALL_FACTOR * anonymousEvents ? ALL : NEEDED;
        }

        /** The fewest events without a {@code userId} for which all {@code linkRows} links are read. */
        static long anonymousEventsForAll(long linkRows) {
            return (linkRows + ALL_FACTOR - 1) / ALL_FACTOR;
        }
    }

    /** One row: the project's rows in {@code person_links}. */
    static String linkRowsSql(String project) {
        return "SELECT count() FROM person_links WHERE project = " + ClickHouseSql.literal(project);
    }

    /**
     * One row: the events matching {@code where} without a {@code userId}, counted up to {@code atMost}.
     * The choice needs no more ({@link Links#anonymousEventsForAll}), and the LIMIT stops the read
     * there: on the query benchmark's funnel, which has 1.1 M such events and 380,000 link rows, the
     * two requests of the check took 35-50 ms (130 ms cold) instead of 80-130 ms for one that counted
     * them all (measured by hand on 18.16).
     */
    static String anonymousEventsSql(String where, long atMost) {
        // a column, not the constant 1: through a Distributed table 18.16 loses the WHERE's columns from
        // the block of a constant-only select list ("Not found column equals(project, 'p') in block")
        return "SELECT count() FROM (SELECT distinct_id FROM events WHERE (" + where + ") AND isNull(user_id) LIMIT " + atMost + ")";
    }

    /**
     * The events matching {@code where} as rows of {@code person} and {@code columns} (a select list
     * over {@code events} whose aliases {@code names} lists, in the same order). A column whose value
     * 18.16 works out as a constant while planning must be wrapped in {@code materialize()}: {@code x IN
     * ('a', 'b')} is one, and UNION ALL then refuses the real, non-constant column ("Cannot convert
     * column ... because it is non constant in source stream", measured).
     *
     * @param links which links to join; see {@link Links}
     */
    static String resolve(String project, String columns, String names, String where, Links links) {
        if (links == Links.NONE) {
            return "SELECT distinct_id AS person, " + columns + " FROM events WHERE " + where;
        }
        String linkRows = linksOf(project, links == Links.ALL ? null : idsWithoutUser(where));
        return "SELECT person, " + names + " FROM ("
                + "SELECT distinct_id AS person, " + columns + " FROM events WHERE (" + where + ") AND isNotNull(user_id)"
                + " UNION ALL SELECT if(linked = 1, linked_user, distinct_id) AS person, " + names
                + " FROM (SELECT distinct_id, " + columns + " FROM events WHERE (" + where + ") AND isNull(user_id))"
                + " ANY LEFT JOIN (" + linkRows + ") USING distinct_id)";
    }

    private static String idsWithoutUser(String where) {
        return "SELECT distinct_id FROM events WHERE (" + where + ") AND isNull(user_id)";
    }

    /** {@code (distinct_id, linked_user, linked = 1)} for each id of the {@code ids} subquery that has a link, or every linked id when null. */
    private static String linksOf(String project, String ids) {
        return "SELECT link_id AS distinct_id, substring(minMerge(link), " + (TIME_KEY_LENGTH + 1) + ") AS linked_user, toUInt8(1) AS linked"
                + " FROM person_links WHERE project = " + ClickHouseSql.literal(project) + (ids == null ? "" : " AND link_id IN (" + ids + ")")
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
