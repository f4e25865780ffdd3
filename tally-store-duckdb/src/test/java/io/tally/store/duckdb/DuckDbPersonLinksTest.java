package io.tally.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.retention.Retention;
import io.tally.core.retention.RetentionPolicy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code person_links}, which DuckDB keeps as events are written instead of working links out per
 * query: read as queries read it, it must always give what "People" in docs/queries.md derives from
 * the stored events, whatever {@link KnownLinks} left out. The
 * query-level comparison with the reference is {@link DuckDbQueryEngineContractTest}; these are the
 * cases it does not reach: batches arriving latest link first, retention, and a file from before the
 * table existed.
 */
class DuckDbPersonLinksTest {
    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir
    Path dir;

    @Test
    void theEarliestLinkWinsWhicheverBatchBringsIt() {
        try (DuckDbEventStore store = open()) {
            store.write(List.of(identify("u2", "a1", "2026-01-03T00:00:00Z"), identify("u9", "a2", "2026-01-02T00:00:00Z")), Map.of());
            store.write(List.of(identify("u1", "a1", "2026-01-02T00:00:00Z"), identify("u3", "a2", "2026-01-02T00:00:00Z"),
                    identify("u4", "a2", "2026-01-02T00:00:00Z")), Map.of());
            // a later link and an alias of an id that only aliases ever named
            store.write(List.of(identify("u0", "a1", "2026-01-05T00:00:00Z"), alias("u5", "old-7", "2026-01-04T00:00:00Z")), Map.of());
            // equal times go to the smaller user id, whichever batch holds it
            assertThat(links(store)).isEqualTo(Map.of("a1", "u1", "a2", "u3", "old-7", "u5"));
        }
    }

    @Test
    void linksMadeByExpiredEventsGoWithThemAndTheRemainingEventsDecide() {
        Instant now = Instant.parse("2026-06-15T00:00:00Z");
        try (DuckDbEventStore store = open()) {
            store.write(List.of(identify("u-old", "a1", "2026-04-01T00:00:00Z"), identify("u-new", "a1", "2026-06-01T00:00:00Z"),
                    identify("u-gone", "a2", "2026-04-01T00:00:00Z"), identify("u-kept", "a3", "2026-06-02T00:00:00Z")), Map.of());
            store.expire(new RetentionPolicy(Retention.parse("P30D/P90D"), Map.of()), now);
            assertThat(links(store)).isEqualTo(Map.of("a1", "u-new", "a3", "u-kept"));
            // later than the link that expired, earlier than the one that took its place: it wins now
            store.write(List.of(identify("u-mid", "a1", "2026-05-20T00:00:00Z")), Map.of());
            assertThat(links(store)).isEqualTo(Map.of("a1", "u-mid", "a3", "u-kept"));
        }
    }

    @Test
    void retentionFoldsRepeatedLinksEvenWhenNothingExpires() {
        try (DuckDbEventStore store = open()) {
            // each link is earlier than the one before it, so each is appended to the log
            for (int day = 9; day >= 1; day--) {
                store.write(List.of(identify("u" + day, "a1", "2026-06-0" + day + "T00:00:00Z")), Map.of());
            }
        }
        try (DuckDbEventStore store = open()) {
            store.write(List.of(identify("u0", "a1", "2026-05-31T00:00:00Z")), Map.of());
            assertThat(rows(store)).isEqualTo(10);
            store.expire(new RetentionPolicy(Retention.parse("P1Y/P5Y"), Map.of()), Instant.parse("2026-06-15T00:00:00Z"));
            assertThat(rows(store)).isEqualTo(1);
            assertThat(links(store)).isEqualTo(Map.of("a1", "u0"));
        }
    }

    @Test
    void aFileFromBeforeTheLinkTableGetsItFromItsEvents() throws SQLException {
        try (DuckDbEventStore store = open()) {
            store.write(List.of(identify("u2", "a1", "2026-01-03T00:00:00Z"), identify("u1", "a1", "2026-01-02T00:00:00Z"),
                    alias("u3", "old-1", "2026-01-01T00:00:00Z")), Map.of());
            // back to the schema before migration 4
            try (Connection c = store.openReader(); Statement st = c.createStatement()) {
                st.execute("DROP TABLE person_links");
                st.execute("DROP TABLE hot_properties");
                st.execute("DELETE FROM tally_migrations WHERE version >= 4");
            }
        }
        try (DuckDbEventStore store = open()) {
            assertThat(links(store)).isEqualTo(Map.of("a1", "u1", "old-1", "u3"));
        }
    }

    private DuckDbEventStore open() {
        return new DuckDbEventStore(DuckDbSettings.of(dir.resolve("tally.duckdb")), Clock.systemUTC());
    }

    private static Map<String, String> links(DuckDbEventStore store) {
        Map<String, String> links = new LinkedHashMap<>();
        try (Connection c = store.openReader(); Statement st = c.createStatement();
             // the table is a log of candidate links; the link of an id is the earliest (equal times: smaller user id)
             ResultSet rs = st.executeQuery("SELECT anon, arg_min(uid, {t: linked_at, u: uid}) FROM person_links WHERE project = 'p'"
                     + " GROUP BY anon ORDER BY anon")) {
            while (rs.next()) {
                links.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return links;
    }

    private static long rows(DuckDbEventStore store) {
        try (Connection c = store.openReader(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM person_links")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static Event identify(String userId, String anonymousId, String at) {
        return event(EventType.IDENTIFY, "$identify", userId, anonymousId, null, at);
    }

    private static Event alias(String userId, String previousId, String at) {
        return event(EventType.ALIAS, "$alias", userId, null, previousId, at);
    }

    private static Event event(EventType type, String name, String userId, String anonymousId, String previousId, String at) {
        Instant t = Instant.parse(at);
        return new Event("p", "m" + IDS.incrementAndGet(), type, name, userId, userId, anonymousId, t, t, null, null, null, null,
                previousId, "{}", "{}", "{}", null, null);
    }
}
