package io.tally.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file's layout settings reach DuckDB: rows land in row groups of the configured size (what keeps
 * a checkpoint, and so the writer's stop, short; see {@link DuckDbSettings#DEFAULT_ROW_GROUP_SIZE}),
 * and a file keeps its events when it is opened again with other settings.
 */
class DuckDbStorageLayoutTest {
    @TempDir
    Path dir;

    @Test
    void eventsAreStoredInRowGroupsOfTheConfiguredSize() throws SQLException {
        DuckDbSettings settings = new DuckDbSettings(dir.resolve("t.duckdb"), null, 0, "16MB", 4096, List.of());
        try (DuckDbEventStore store = new DuckDbEventStore(settings, Clock.systemUTC())) {
            store.write(events(0, 10_000), Map.of());
            try (Connection c = store.openReader(); Statement st = c.createStatement()) {
                st.execute("CHECKPOINT");
                // 10,000 rows in groups of 4,096: three groups, the last one partly filled
                assertThat(longValue(st, "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('events')")).isEqualTo(3);
            }
        }
    }

    @Test
    void aFileOpensAgainWithAnotherRowGroupSizeAndKeepsItsEvents() {
        Path file = dir.resolve("t.duckdb");
        try (DuckDbEventStore store = new DuckDbEventStore(new DuckDbSettings(file, null, 0, "256MB", 0, List.of()), Clock.systemUTC())) {
            store.write(events(0, 3_000), Map.of());
        }
        try (DuckDbEventStore store = new DuckDbEventStore(DuckDbSettings.of(file), Clock.systemUTC())) {
            store.write(events(3_000, 2_000), Map.of());
            assertThat(store.countEvents("p")).isEqualTo(5_000);
        }
    }

    @Test
    void theSettingsRefuseARowGroupSizeThatIsNotWholeVectors() {
        Path file = dir.resolve("x.duckdb");
        assertThatThrownBy(() -> new DuckDbSettings(file, null, 0, "16MB", 1000, List.of()))
                .hasMessageContaining("duckdb.row-group-size").hasMessageContaining("2048");
        assertThatThrownBy(() -> new DuckDbSettings(file, null, 0, "16MB", -2048, List.of()))
                .hasMessageContaining("duckdb.row-group-size");
        assertThat(new DuckDbSettings(file, null, 0, "16MB", 0, List.of()).rowGroupSize()).isZero();
    }

    private static long longValue(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Event> events(int first, int count) {
        List<Event> out = new ArrayList<>(count);
        Instant t = Instant.parse("2026-11-01T00:00:00Z");
        for (int i = first; i < first + count; i++) {
            out.add(new Event("p", "m" + i, EventType.TRACK, "page_viewed", "a" + i % 50, null, "a" + i % 50, t.plusSeconds(i), t,
                    null, null, null, null, null, "{\"plan\":\"pro\"}", "{}", "{}", null, null));
        }
        return out;
    }
}
