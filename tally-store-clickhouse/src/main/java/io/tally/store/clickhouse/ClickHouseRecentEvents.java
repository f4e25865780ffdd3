package io.tally.store.clickhouse;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.EventType;
import io.tally.core.query.RecentEvent;
import io.tally.core.query.RecentEventsSpec;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live view's question on ClickHouse: the newest rows of a project by receive time.
 *
 * <p>The bound on {@code timestamp} lets the partitions (months of event time) prune, so a poll reads
 * the recent part only. {@code LIMIT 1 BY message_id} hides a re-inserted copy that has not been merged
 * away yet: copies are identical rows (see {@link ClickHouseEventStore}), so either one will do, and
 * this costs far less than {@code FINAL} over the project.
 */
final class ClickHouseRecentEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private ClickHouseRecentEvents() {
    }

    static String sql(RecentEventsSpec spec) {
        Instant since = EventRows.clamp(spec.since());
        long seconds = since.getEpochSecond();
        int micros = since.getNano() / 1_000 + (since.getNano() % 1_000 == 0 ? 0 : 1);
        String bound = "timestamp >= toDateTime(" + seconds + ")"
                + (micros > 0 ? " AND (timestamp > toDateTime(" + seconds + ") OR timestamp_us >= " + micros + ")" : "");
        return "SELECT message_id, message_key, type, event, distinct_id, user_id, anonymous_id,"
                + " toUInt64(timestamp) * 1000000 + timestamp_us AS t, toUInt64(received_at) AS r, name,"
                + " properties.key, properties.value"
                + " FROM events"
                + " WHERE project = " + ClickHouseSql.literal(spec.project()) + " AND " + bound
                + " ORDER BY r DESC, t DESC"
                + " LIMIT 1 BY message_id"
                + " LIMIT " + spec.limit();
    }

    static List<RecentEvent> read(List<List<String>> rows) {
        List<RecentEvent> events = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            String key = row.get(1);
            String type = row.get(2);
            long micros = Long.parseLong(row.get(7));
            events.add(new RecentEvent(key.isEmpty() ? row.get(0) : key,
                    EventType.fromWireName(type).orElseThrow(() -> new TallyException(ErrorCode.INTERNAL, "unknown stored event type " + type)),
                    row.get(3), row.get(4), row.get(5), row.get(6),
                    Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L),
                    Instant.ofEpochSecond(Long.parseLong(row.get(8))), row.get(9), properties(row.get(10), row.get(11))));
        }
        return events;
    }

    /** The Nested column's two arrays, as {@link ClickHouseHttp#select} gives them (JSON text), back as one map. */
    private static Map<String, String> properties(String keysJson, String valuesJson) {
        try {
            List<String> keys = JSON.readValue(keysJson, STRINGS);
            List<String> values = JSON.readValue(valuesJson, STRINGS);
            Map<String, String> properties = new LinkedHashMap<>();
            for (int i = 0; i < keys.size() && i < values.size(); i++) {
                // a key the client repeated was stored twice; the first stands, as in the other stores
                properties.putIfAbsent(keys.get(i), values.get(i));
            }
            return properties;
        } catch (IOException e) {
            throw new TallyException(ErrorCode.INTERNAL, "cannot read stored properties from ClickHouse's answer", e);
        }
    }
}
