package io.tally.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.query.Interval;
import io.tally.core.query.SeriesMath;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a query body into a validated query. Every problem is reported as {@code INVALID_QUERY}
 * with the JSON path of the field at fault, e.g. {@code series[1].math}. Unknown fields are refused,
 * so that a misspelt option is an error rather than a silently different answer.
 */
public final class QueryParser {
    static final int MAX_SERIES = 20;
    private static final Set<String> TREND_FIELDS = Set.of("kind", "series", "interval", "dateFrom", "dateTo", "timezone");
    private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,4})([hdwmy])");

    private final Clock clock;

    public QueryParser(Clock clock) {
        this.clock = clock;
    }

    public TrendsQuery parseTrends(JsonNode body, ZoneId defaultZone) {
        rejectUnknownFields(body, TREND_FIELDS, "");
        ZoneId zone = zone(body.get("timezone"), defaultZone);
        List<TrendsQuery.Series> series = series(body.get("series"));
        Interval interval = enumValue(body.get("interval"), "interval", Interval.class, Interval.DAY);
        Instant from = time(body.get("dateFrom"), "dateFrom", zone, false, "-7d");
        Instant to = time(body.get("dateTo"), "dateTo", zone, true, null);
        if (!from.isBefore(to)) {
            throw invalid("dateTo", "dateTo must be after dateFrom");
        }
        return new TrendsQuery(series, interval, from, to, zone);
    }

    /** The {@code kind} of a query body. */
    public static String kind(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid(null, "the query must be a JSON object");
        }
        JsonNode kind = body.get("kind");
        if (kind == null || !kind.isTextual()) {
            throw invalid("kind", "'kind' is required: trends");
        }
        return kind.asText();
    }

    private static List<TrendsQuery.Series> series(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw invalid("series", "'series' must be a non-empty array of {event, math}");
        }
        if (node.size() > MAX_SERIES) {
            throw invalid("series", "at most " + MAX_SERIES + " series per query, got " + node.size());
        }
        List<TrendsQuery.Series> series = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "series[" + i + "]";
            JsonNode s = node.get(i);
            if (!s.isObject()) {
                throw invalid(path, "each series must be an object {event, math}");
            }
            rejectUnknownFields(s, Set.of("event", "math"), path + ".");
            JsonNode event = s.get("event");
            if (event == null || !event.isTextual() || event.asText().isBlank() || event.asText().length() > 1024) {
                throw invalid(path + ".event", "'event' must be a non-empty event name");
            }
            series.add(new TrendsQuery.Series(event.asText(),
                    enumValue(s.get("math"), path + ".math", SeriesMath.class, SeriesMath.TOTAL)));
        }
        return series;
    }

    private static ZoneId zone(JsonNode node, ZoneId defaultZone) {
        if (node == null || node.isNull()) {
            return defaultZone;
        }
        if (!node.isTextual()) {
            throw invalid("timezone", "'timezone' must be an IANA name such as Europe/Berlin");
        }
        String id = node.asText();
        // only region names and UTC: fixed offsets would silently ignore daylight saving
        if (!id.equals("UTC") && !id.matches("[A-Za-z_]+(/[A-Za-z0-9_+-]+)+")) {
            throw invalid("timezone", "unknown timezone '" + id + "'; use an IANA name such as Europe/Berlin");
        }
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw invalid("timezone", "unknown timezone '" + id + "'; use an IANA name such as Europe/Berlin");
        }
    }

    private Instant time(JsonNode node, String field, ZoneId zone, boolean isEnd, String fallback) {
        String text;
        if (node == null || node.isNull()) {
            if (fallback == null) {
                return clock.instant().plusMillis(1);
            }
            text = fallback;
        } else if (!node.isTextual()) {
            throw invalid(field, "'" + field + "' must be a date (2026-01-31), a date-time with offset, or relative (-7d)");
        } else {
            text = node.asText();
        }
        Matcher relative = RELATIVE.matcher(text);
        if (relative.matches()) {
            return relativeStart(Integer.parseInt(relative.group(1)), relative.group(2), zone, isEnd);
        }
        try {
            LocalDate date = LocalDate.parse(text);
            // a date as end means through the end of that local day
            return (isEnd ? date.plusDays(1) : date).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException notADate) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw invalid(field, "'" + field + "' is not a date (2026-01-31), a date-time with offset or relative (-7d): '"
                        + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
            }
        }
    }

    private Instant relativeStart(int amount, String unit, ZoneId zone, boolean isEnd) {
        var now = clock.instant().atZone(zone);
        var then = switch (unit) {
            case "h" -> now.minusHours(amount).withMinute(0).withSecond(0).withNano(0);
            case "d" -> now.toLocalDate().minusDays(amount).atStartOfDay(zone);
            case "w" -> now.toLocalDate().minusWeeks(amount).atStartOfDay(zone);
            case "m" -> now.toLocalDate().minusMonths(amount).atStartOfDay(zone);
            default -> now.toLocalDate().minusYears(amount).atStartOfDay(zone);
        };
        return isEnd && unit.equals("d") ? then.plusDays(1).toInstant() : then.toInstant();
    }

    private static <E extends Enum<E>> E enumValue(JsonNode node, String field, Class<E> type, E fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isTextual()) {
            for (E value : type.getEnumConstants()) {
                if (value.name().toLowerCase(Locale.ROOT).equals(node.asText())) {
                    return value;
                }
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E value : type.getEnumConstants()) {
            allowed.add(value.name().toLowerCase(Locale.ROOT));
        }
        throw invalid(field, "'" + field + "' must be one of " + allowed);
    }

    private static void rejectUnknownFields(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw invalid(prefix + name, "unknown field '" + prefix + name + "'");
            }
        }
    }

    static TallyException invalid(String field, String message) {
        return TallyException.forField(ErrorCode.INVALID_QUERY, field, message);
    }
}
