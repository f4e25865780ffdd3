package io.tally.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.query.Breakdown;
import io.tally.core.query.CohortType;
import io.tally.core.query.EventMatcher;
import io.tally.core.query.Filter;
import io.tally.core.query.FilterOp;
import io.tally.core.query.FilterValue;
import io.tally.core.query.FunnelExclusion;
import io.tally.core.query.FunnelOrder;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.Interval;
import io.tally.core.query.PropertyRef;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.SeriesMath;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
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
    static final int MAX_FILTERS = 50;
    static final int MAX_VALUES = 1_000;
    static final int MAX_TEXT = 1_024;
    static final int DEFAULT_BREAKDOWN_LIMIT = 10;
    static final Duration DEFAULT_WINDOW = Duration.ofDays(14);
    private static final Set<String> COMMON_FIELDS = Set.of("kind", "dateFrom", "dateTo", "timezone", "filters");
    private static final Set<String> TREND_FIELDS = union(COMMON_FIELDS, "series", "interval", "breakdown", "compare");
    private static final Set<String> FUNNEL_FIELDS = union(COMMON_FIELDS, "steps", "window", "order", "exclusions", "breakdown");
    private static final Set<String> RETENTION_FIELDS = union(COMMON_FIELDS, "startEvent", "returnEvent", "period", "periods", "cohort");
    private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,4})([hdwmy])");
    /**
     * Property names users may query: letters, digits and a few separators. Keys with quotes or other
     * punctuation exist, but a name that looks like SQL is far more often an attack or a mistake than a
     * real key, so it gets a 400 naming the field (values are free text and always escaped).
     */
    private static final Pattern PROPERTY_NAME = Pattern.compile("[\\p{L}\\p{N}_$@.:/ -]{1,200}");

    private final Clock clock;

    public QueryParser(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    public TrendsQuery parseTrends(JsonNode body, ZoneId defaultZone) {
        rejectUnknownFields(body, TREND_FIELDS, "");
        ZoneId zone = zone(body.get("timezone"), defaultZone);
        List<TrendsQuery.Series> series = series(body.get("series"));
        Interval interval = enumValue(body.get("interval"), "interval", Interval.class, Interval.DAY);
        Instant[] range = range(body, zone);
        return new TrendsQuery(series, interval, range[0], range[1], zone, filters(body.get("filters"), "filters"),
                breakdown(body.get("breakdown")), bool(body.get("compare"), "compare"));
    }

    public FunnelQuery parseFunnel(String project, JsonNode body, ZoneId defaultZone) {
        rejectUnknownFields(body, FUNNEL_FIELDS, "");
        ZoneId zone = zone(body.get("timezone"), defaultZone);
        List<EventMatcher> steps = steps(body.get("steps"));
        Duration window = window(body.get("window"));
        FunnelOrder order = enumValue(body.get("order"), "order", FunnelOrder.class, FunnelOrder.ORDERED);
        List<FunnelExclusion> exclusions = exclusions(body.get("exclusions"), steps.size(), order);
        Instant[] range = range(body, zone);
        return new FunnelQuery(new FunnelSpec(project, steps, window, order, exclusions, filters(body.get("filters"), "filters"),
                breakdown(body.get("breakdown")), range[0], range[1]), zone);
    }

    public RetentionQuery parseRetention(String project, JsonNode body, ZoneId defaultZone) {
        rejectUnknownFields(body, RETENTION_FIELDS, "");
        ZoneId zone = zone(body.get("timezone"), defaultZone);
        EventMatcher start = matcher(required(body, "startEvent"), "startEvent");
        EventMatcher back = matcher(required(body, "returnEvent"), "returnEvent");
        Interval period = enumValue(body.get("period"), "period", Interval.class, Interval.WEEK);
        if (period == Interval.HOUR) {
            throw invalid("period", "'period' must be one of [day, week, month]");
        }
        int periods = intValue(body.get("periods"), "periods", 1, RetentionSpec.MAX_PERIODS, 8);
        CohortType cohort = enumValue(body.get("cohort"), "cohort", CohortType.class, CohortType.FIRST_TIME);
        Instant[] range = range(body, zone);
        return new RetentionQuery(new RetentionSpec(project, start, back, period, periods, cohort,
                filters(body.get("filters"), "filters"), zone, range[0], range[1]));
    }

    /** The {@code kind} of a query body. */
    public static String kind(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid(null, "the query must be a JSON object");
        }
        JsonNode kind = body.get("kind");
        if (kind == null || !kind.isTextual()) {
            throw invalid("kind", "'kind' is required: trends, funnel or retention");
        }
        return kind.asText();
    }

    private Instant[] range(JsonNode body, ZoneId zone) {
        Instant from = time(body.get("dateFrom"), "dateFrom", zone, false, "-7d");
        Instant to = time(body.get("dateTo"), "dateTo", zone, true, null);
        if (!from.isBefore(to)) {
            throw invalid("dateTo", "dateTo must be after dateFrom");
        }
        return new Instant[] {from, to};
    }

    private static List<TrendsQuery.Series> series(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw invalid("series", "'series' must be a non-empty array of {event, math, property?}");
        }
        if (node.size() > MAX_SERIES) {
            throw invalid("series", "at most " + MAX_SERIES + " series per query, got " + node.size());
        }
        List<TrendsQuery.Series> series = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "series[" + i + "]";
            JsonNode s = node.get(i);
            if (!s.isObject()) {
                throw invalid(path, "each series must be an object {event, math, property?}");
            }
            rejectUnknownFields(s, Set.of("event", "math", "property"), path + ".");
            String event = eventName(s.get("event"), path + ".event");
            SeriesMath math = enumValue(s.get("math"), path + ".math", SeriesMath.class, SeriesMath.TOTAL);
            String property = null;
            if (math.needsProperty()) {
                PropertyRef ref = propertyRef(s.get("property"), path + ".property");
                if (!(ref instanceof PropertyRef.EventProperty p)) {
                    throw invalid(path + ".property", "'" + math.wireName() + "' aggregates an event property, e.g. \"price\"");
                }
                property = p.key();
            } else if (s.has("property")) {
                throw invalid(path + ".property", "'" + math.wireName() + "' counts events and takes no property");
            }
            series.add(new TrendsQuery.Series(event, math, property));
        }
        return series;
    }

    private static List<EventMatcher> steps(JsonNode node) {
        if (node == null || !node.isArray()) {
            throw invalid("steps", "'steps' must be an array of " + FunnelSpec.MIN_STEPS + " to " + FunnelSpec.MAX_STEPS + " {event, filters?}");
        }
        if (node.size() < FunnelSpec.MIN_STEPS || node.size() > FunnelSpec.MAX_STEPS) {
            throw invalid("steps", "a funnel has " + FunnelSpec.MIN_STEPS + " to " + FunnelSpec.MAX_STEPS + " steps, got " + node.size());
        }
        List<EventMatcher> steps = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            steps.add(matcher(node.get(i), "steps[" + i + "]"));
        }
        return steps;
    }

    private static List<FunnelExclusion> exclusions(JsonNode node, int stepCount, FunnelOrder order) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_FILTERS) {
            throw invalid("exclusions", "'exclusions' must be an array of at most " + MAX_FILTERS + " {event, fromStep, toStep, filters?}");
        }
        if (order == FunnelOrder.UNORDERED && !node.isEmpty()) {
            throw invalid("exclusions", "unordered funnels have no exclusions: steps have no order to be between");
        }
        List<FunnelExclusion> exclusions = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "exclusions[" + i + "]";
            JsonNode e = node.get(i);
            if (!e.isObject()) {
                throw invalid(path, "each exclusion must be an object {event, fromStep, toStep, filters?}");
            }
            rejectUnknownFields(e, Set.of("event", "filters", "fromStep", "toStep"), path + ".");
            EventMatcher matcher = new EventMatcher(eventName(e.get("event"), path + ".event"), filters(e.get("filters"), path + ".filters"));
            int from = intValue(e.get("fromStep"), path + ".fromStep", 1, stepCount - 1, null);
            int to = intValue(e.get("toStep"), path + ".toStep", from + 1, stepCount, null);
            exclusions.add(new FunnelExclusion(matcher, from, to));
        }
        return exclusions;
    }

    /** {@code "signup"} or {@code {"event": "signup", "filters": [...]}}. */
    private static EventMatcher matcher(JsonNode node, String path) {
        if (node != null && node.isTextual()) {
            return EventMatcher.named(eventName(node, path));
        }
        if (node == null || !node.isObject()) {
            throw invalid(path, "'" + path + "' must be an event name or an object {event, filters?}");
        }
        rejectUnknownFields(node, Set.of("event", "filters"), path + ".");
        return new EventMatcher(eventName(node.get("event"), path + ".event"), filters(node.get("filters"), path + ".filters"));
    }

    private static Duration window(JsonNode node) {
        if (node == null || node.isNull()) {
            return DEFAULT_WINDOW;
        }
        if (node.isTextual()) {
            try {
                Duration window = Duration.parse(node.asText());
                if (window.isNegative() || window.isZero()) {
                    throw invalid("window", "'window' must be longer than zero, was " + node.asText());
                }
                if (window.compareTo(Duration.ofDays(366)) > 0) {
                    throw invalid("window", "'window' is at most a year (P366D)");
                }
                return window;
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw invalid("window", "'window' must be an ISO-8601 duration such as P7D or PT30M");
    }

    static List<Filter> filters(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_FILTERS) {
            throw invalid(path, "'" + path + "' must be an array of at most " + MAX_FILTERS + " {property, op, value}");
        }
        List<Filter> filters = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode f = node.get(i);
            if (!f.isObject()) {
                throw invalid(at, "each filter must be an object {property, op, value}");
            }
            rejectUnknownFields(f, Set.of("property", "op", "value"), at + ".");
            PropertyRef property = propertyRef(f.get("property"), at + ".property");
            FilterOp op = enumValue(f.get("op"), at + ".op", FilterOp.class, null);
            if (op == null) {
                throw invalid(at + ".op", "'op' is required: one of " + wireNames(FilterOp.class));
            }
            filters.add(new Filter(property, op, filterValues(f.get("value"), op, at + ".value")));
        }
        return filters;
    }

    private static List<FilterValue> filterValues(JsonNode node, FilterOp op, String path) {
        switch (op.arity()) {
            case NONE -> {
                if (node != null && !node.isNull()) {
                    throw invalid(path, "'" + op.wireName() + "' takes no value");
                }
                return List.of();
            }
            case ONE -> {
                FilterValue value = scalar(node, path);
                if (op.numericOnly() && !value.number()) {
                    throw invalid(path, "'" + op.wireName() + "' compares numbers; the value must be a JSON number");
                }
                return List.of(value);
            }
            default -> {
                if (node == null || !node.isArray() || node.isEmpty() || node.size() > MAX_VALUES) {
                    throw invalid(path, "'" + op.wireName() + "' takes an array of 1 to " + MAX_VALUES + " values");
                }
                List<FilterValue> values = new ArrayList<>();
                for (int i = 0; i < node.size(); i++) {
                    values.add(scalar(node.get(i), path + "[" + i + "]"));
                }
                return values;
            }
        }
    }

    private static FilterValue scalar(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            throw invalid(path, "'" + path + "' is required");
        }
        if (node.isNumber()) {
            return FilterValue.number(node.asText());
        }
        if (node.isBoolean()) {
            return FilterValue.text(node.asText());
        }
        if (node.isTextual()) {
            String text = node.asText();
            if (text.length() > MAX_TEXT) {
                throw invalid(path, "a filter value is at most " + MAX_TEXT + " characters");
            }
            return FilterValue.text(text);
        }
        throw invalid(path, "a filter value must be a string, a number or a boolean");
    }

    private static Breakdown breakdown(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw invalid("breakdown", "'breakdown' must be an object {property, limit?}");
        }
        rejectUnknownFields(node, Set.of("property", "limit"), "breakdown.");
        PropertyRef property = propertyRef(node.get("property"), "breakdown.property");
        int limit = intValue(node.get("limit"), "breakdown.limit", 1, Breakdown.MAX_LIMIT, DEFAULT_BREAKDOWN_LIMIT);
        return new Breakdown(property, limit);
    }

    private static PropertyRef propertyRef(JsonNode node, String path) {
        if (node == null || !node.isTextual()) {
            throw invalid(path, "'" + path + "' must name a property: event, userId, anonymousId, distinctId, context.PATH or a property key");
        }
        String name = node.asText();
        if (!PROPERTY_NAME.matcher(name).matches()) {
            throw invalid(path, "'" + path + "' may contain letters, digits, spaces and _ $ @ . : / - (at most 200 characters)");
        }
        try {
            return PropertyRef.parse(name);
        } catch (IllegalArgumentException e) {
            throw invalid(path, e.getMessage());
        }
    }

    private static String eventName(JsonNode node, String path) {
        if (node == null || !node.isTextual() || node.asText().isBlank() || node.asText().length() > MAX_TEXT) {
            throw invalid(path, "'" + path + "' must be a non-empty event name");
        }
        return node.asText();
    }

    private static JsonNode required(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw invalid(field, "'" + field + "' is required");
        }
        return node;
    }

    private static boolean bool(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw invalid(field, "'" + field + "' must be true or false");
        }
        return node.asBoolean();
    }

    private static int intValue(JsonNode node, String field, int min, int max, Integer fallback) {
        if (node == null || node.isNull()) {
            if (fallback == null) {
                throw invalid(field, "'" + field + "' is required");
            }
            return fallback;
        }
        if (!node.isIntegralNumber() || node.asLong() < min || node.asLong() > max) {
            throw invalid(field, "'" + field + "' must be a whole number from " + min + " to " + max);
        }
        return node.asInt();
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> all = new HashSet<>(base);
        all.addAll(List.of(more));
        return Set.copyOf(all);
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
                // the end of today: stable for a whole day, so identical queries can share a cached answer
                return clock.instant().atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
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
            } catch (DateTimeParseException noOffset) {
                try {
                    // a wall-clock time of the query's zone; in the repeated autumn hour, the earlier instant
                    return LocalDateTime.parse(text).atZone(zone).toInstant();
                } catch (DateTimeParseException e) {
                    throw invalid(field, "'" + field + "' is not a date (2026-01-31), a date-time (2026-01-31T10:00, with or without offset)"
                            + " or relative (-7d): '" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
                }
            }
        }
    }

    /**
     * {@code -N<unit>}: the local hour N hours ago, or the local day N days, weeks, months or years ago.
     * As a start it is that hour's or day's beginning, as an end its end, as a date is: so
     * {@code -7d..-1d} is the seven whole days before today and {@code -1w..-1w} is one day.
     */
    private Instant relativeStart(int amount, String unit, ZoneId zone, boolean isEnd) {
        ZonedDateTime now = clock.instant().atZone(zone);
        if (unit.equals("h")) {
            Instant hour = now.truncatedTo(ChronoUnit.HOURS).toInstant().minus(Duration.ofHours(amount));
            return isEnd ? hour.plus(Duration.ofHours(1)) : hour;
        }
        LocalDate day = switch (unit) {
            case "d" -> now.toLocalDate().minusDays(amount);
            case "w" -> now.toLocalDate().minusWeeks(amount);
            case "m" -> now.toLocalDate().minusMonths(amount);
            default -> now.toLocalDate().minusYears(amount);
        };
        return (isEnd ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
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
        throw invalid(field, "'" + field + "' must be one of " + wireNames(type));
    }

    private static <E extends Enum<E>> List<String> wireNames(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E value : type.getEnumConstants()) {
            names.add(value.name().toLowerCase(Locale.ROOT));
        }
        return names;
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
