package io.tally.store.duckdb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tally.core.event.EventType;
import io.tally.core.query.RecentEvent;
import io.tally.core.query.RecentEventsSpec;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live view's question on DuckDB: the newest rows of a project by receive time. The primary key
 * keeps one row per message, so no de-duplication is needed.
 */
final class DuckDbRecentEvents {
    private static final JsonFactory JSON = new JsonFactory();

    private DuckDbRecentEvents() {
    }

    static SqlWriter sql(RecentEventsSpec spec, HotColumns hot) {
        return new SqlWriter(hot)
                .sql("SELECT message_id, type, event, distinct_id, user_id, anonymous_id, timestamp, received_at, name, properties"
                        + " FROM events WHERE project = ").value(spec.project())
                .sql(" AND timestamp >= ").value(Micros.timestamp(Micros.ceil(spec.since(), "since")))
                .sql(" ORDER BY received_at DESC, timestamp DESC LIMIT ").value(spec.limit());
    }

    static List<RecentEvent> read(ResultSet rs) throws SQLException {
        List<RecentEvent> events = new ArrayList<>();
        while (rs.next()) {
            String type = rs.getString(2);
            events.add(new RecentEvent(rs.getString(1),
                    EventType.fromWireName(type).orElseThrow(() -> new SQLException("unknown stored event type " + type)),
                    rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                    instant(rs.getObject(7, LocalDateTime.class)), instant(rs.getObject(8, LocalDateTime.class)),
                    rs.getString(9), topLevel(rs.getString(10))));
        }
        return events;
    }

    private static Instant instant(LocalDateTime utc) {
        return utc.toInstant(ZoneOffset.UTC);
    }

    /**
     * The top-level keys of the stored JSON text with their values in the text form of docs/queries.md.
     * Read with the streaming parser, which gives numbers exactly as the client wrote them.
     */
    static Map<String, String> topLevel(String json) {
        Map<String, String> values = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return values;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken token = p.nextToken();
                values.putIfAbsent(key, token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY ? compact(p) : p.getText());
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException("stored properties are not valid JSON", e);
        }
    }

    /** The structure the parser stands on, without white space and with numbers as written. */
    private static String compact(JsonParser p) throws IOException {
        StringWriter out = new StringWriter();
        try (var g = JSON.createGenerator(out)) {
            int depth = 0;
            do {
                JsonToken token = p.currentToken();
                switch (token) {
                    case START_OBJECT -> {
                        g.writeStartObject();
                        depth++;
                    }
                    case START_ARRAY -> {
                        g.writeStartArray();
                        depth++;
                    }
                    case END_OBJECT -> {
                        g.writeEndObject();
                        depth--;
                    }
                    case END_ARRAY -> {
                        g.writeEndArray();
                        depth--;
                    }
                    case FIELD_NAME -> g.writeFieldName(p.currentName());
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
                    default -> g.copyCurrentEvent(p);
                }
                if (depth > 0) {
                    p.nextToken();
                }
            } while (depth > 0);
        }
        return out.toString();
    }
}
