package io.tally.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.query.PropertyRef;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot property columns: filled for stored events when named, kept filled by every write path, dropped when no longer named. */
class DuckDbHotPropertiesTest {
    private static final AtomicInteger IDS = new AtomicInteger();
    /** One of each kind of value, as the client wrote it, and one event without the key. */
    private static final List<String> PROPERTIES = List.of("{\"plan\":\"pro\"}", "{\"plan\":9.50}", "{\"plan\":1e2}", "{\"plan\":null}",
            "{\"plan\":true}", "{\"plan\":{\"tier\":[1,\"a\"]}}", "{\"plan\":\"caf\\u00e9 \\\"q\\\"\"}", "{\"other\":1}", "{\"plan\":\"\"}");
    private static final String KEY = "plan";

    @TempDir
    Path dir;

    @Test
    void aNewHotPropertyIsFilledForStoredEventsWithExactlyTheTextAQueryWouldExtract() {
        try (DuckDbEventStore store = open(List.of())) {
            store.write(events(), Map.of());
        }
        try (DuckDbEventStore store = open(List.of(KEY))) {
            assertThat(hotColumns(store)).containsExactly(HotColumns.nameFor(KEY));
            assertThat(rowsWhereColumnDiffersFromJson(store)).isZero();
            assertThat(filled(store)).isEqualTo(PROPERTIES.size() - 1);
        }
    }

    @Test
    void writesFillTheColumnOnTheFastPathAndWhenSomeEventsAreStoredAlready() {
        try (DuckDbEventStore store = open(List.of(KEY))) {
            List<Event> first = events();
            store.write(first, Map.of());
            // a batch that repeats a stored event takes the staging path
            List<Event> second = new ArrayList<>(events());
            second.add(first.get(0));
            store.write(second, Map.of());
            assertThat(rows(store)).isEqualTo(2L * PROPERTIES.size());
            assertThat(rowsWhereColumnDiffersFromJson(store)).isZero();
            assertThat(filled(store)).isEqualTo(2L * (PROPERTIES.size() - 1));
        }
    }

    @Test
    void aKeyNoLongerNamedLosesItsColumnAndWritesGoOn() {
        try (DuckDbEventStore store = open(List.of(KEY, "other"))) {
            store.write(events(), Map.of());
        }
        try (DuckDbEventStore store = open(List.of("other"))) {
            assertThat(hotColumns(store)).containsExactly(HotColumns.nameFor("other"));
            store.write(events(), Map.of());
            assertThat(rows(store)).isEqualTo(2L * PROPERTIES.size());
        }
        try (DuckDbEventStore store = open(List.of())) {
            assertThat(hotColumns(store)).isEmpty();
        }
    }

    @Test
    void columnNamesArePlainIdentifiersWhateverTheKey() {
        for (String key : List.of("plan", "a b", "x\"; DROP TABLE events; --", "ключ", "dotted.key")) {
            assertThat(HotColumns.nameFor(key)).matches("hot_[0-9a-f]{16}");
        }
        assertThat(HotColumns.nameFor("plan")).isNotEqualTo(HotColumns.nameFor("plan "));
    }

    @Test
    void theSettingsRefuseEmptyRepeatedOrTooManyKeys() {
        DuckDbSettings settings = DuckDbSettings.of(dir.resolve("x.duckdb"));
        assertThatThrownBy(() -> settings.withHotProperties(List.of(""))).hasMessageContaining("--hot-properties");
        assertThatThrownBy(() -> settings.withHotProperties(List.of("a", "a"))).hasMessageContaining("distinct");
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= DuckDbSettings.MAX_HOT_PROPERTIES; i++) {
            many.add("k" + i);
        }
        assertThatThrownBy(() -> settings.withHotProperties(many)).hasMessageContaining("at most");
    }

    private DuckDbEventStore open(List<String> hot) {
        return new DuckDbEventStore(DuckDbSettings.of(dir.resolve("tally.duckdb")).withHotProperties(hot), Clock.systemUTC());
    }

    private static List<Event> events() {
        List<Event> events = new ArrayList<>();
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        for (String properties : PROPERTIES) {
            events.add(new Event("p", "m" + IDS.incrementAndGet(), EventType.TRACK, "view", "u1", "u1", null, t, t, null, null, null, null,
                    null, properties, "{}", "{}", null, null));
        }
        return events;
    }

    private static List<String> hotColumns(DuckDbEventStore store) {
        List<String> columns = new ArrayList<>();
        try (Connection c = store.openReader(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_name = 'events'"
                     + " AND column_name LIKE 'hot\\_%' ESCAPE '\\' ORDER BY column_name")) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return columns;
    }

    /** Rows whose column is not what {@link DuckDbProperties#text} extracts from their JSON (NULL and NULL agree). */
    private static long rowsWhereColumnDiffersFromJson(DuckDbEventStore store) {
        SqlWriter w = new SqlWriter().sql("SELECT count(*) FROM events WHERE " + HotColumns.nameFor(KEY) + " IS DISTINCT FROM (");
        DuckDbProperties.text(w, new PropertyRef.EventProperty(KEY));
        w.sql(")");
        try (Connection c = store.openReader(); PreparedStatement st = w.prepare(c); ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static long filled(DuckDbEventStore store) {
        return count(store, "SELECT count(" + HotColumns.nameFor(KEY) + ") FROM events");
    }

    private static long rows(DuckDbEventStore store) {
        return count(store, "SELECT count(*) FROM events");
    }

    private static long count(DuckDbEventStore store, String sql) {
        try (Connection c = store.openReader(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
