package io.tally.api.live;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tally.api.ApiRequests;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.project.Project;
import io.tally.core.project.ProjectDirectory;
import io.tally.core.query.RecentEvent;
import io.tally.core.query.RecentEventsSpec;
import io.tally.query.IngestionProgress;
import io.tally.query.QueryService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What the dashboard's live page polls, with the project's read key:
 * <ul>
 *   <li>{@code GET /v1/projects/{project}/events/latest?limit=50&since=ISO-INSTANT}: the newest stored
 *   events, newest received first (limit 1-1000, default 50; since defaults to a day ago)</li>
 *   <li>{@code GET /v1/projects/{project}/ingestion}: events per second, rejections by reason, the
 *   loader's lag and {@code completeUpTo}</li>
 * </ul>
 * The ingestion counts are this process's, over all its projects ({@code "scope": "process"}): the
 * collector counts before it knows whose key an event carries only in aggregate.
 */
public final class LiveRoutes {
    static final int DEFAULT_LIMIT = 50;
    /** How far back the live view looks: a window the stores can read cheaply (see {@link RecentEventsSpec}). */
    static final Duration DEFAULT_WINDOW = Duration.ofDays(1);
    static final Duration MAX_WINDOW = Duration.ofDays(31);
    private static final Duration RATE_SPAN = Duration.ofSeconds(10);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final QueryService queries;
    private final IngestionCounters counters;
    private final ProjectDirectory projects;
    private final Clock clock;
    private final RateWindow acceptedRate = new RateWindow(RATE_SPAN);
    private final RateWindow rejectedRate = new RateWindow(RATE_SPAN);
    private final RateWindow storedRate = new RateWindow(RATE_SPAN);

    /** @param counters this process's ingestion meters; {@link IngestionCounters#NONE} where it neither collects nor loads */
    public LiveRoutes(QueryService queries, IngestionCounters counters, ProjectDirectory projects, Clock clock) {
        this.queries = requireNonNull(queries, "queries is null");
        this.counters = requireNonNull(counters, "counters is null");
        this.projects = requireNonNull(projects, "projects is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Registers the latest-events and ingestion endpoints. */
    public void addTo(RoutesConfig routes) {
        routes.get("/v1/projects/{project}/events/latest", this::latest);
        routes.get("/v1/projects/{project}/ingestion", this::ingestion);
    }

    private void latest(Context ctx) {
        try {
            Project project = ApiRequests.authorize(projects, ctx);
            Instant now = clock.instant();
            RecentEventsSpec spec = new RecentEventsSpec(project.id(), since(ctx.queryParam("since"), now), limit(ctx.queryParam("limit")));
            List<RecentEvent> events = queries.recentEvents(spec);
            ObjectNode root = MAPPER.createObjectNode();
            ArrayNode items = root.putArray("events");
            events.forEach(e -> items.add(render(e)));
            root.set("meta", progress(now));
            send(ctx, root);
        } catch (TallyException e) {
            ApiRequests.sendError(ctx, e);
        }
    }

    private void ingestion(Context ctx) {
        try {
            Project project = ApiRequests.authorize(projects, ctx);
            Instant now = clock.instant();
            ObjectNode root = MAPPER.createObjectNode();
            root.put("project", project.id());
            root.put("scope", "process");
            root.put("at", now.toString());
            var collector = counters.collector();
            if (collector.isPresent()) {
                CollectorCounts c = collector.get();
                ObjectNode node = root.putObject("collector");
                node.put("received", c.received());
                node.put("accepted", c.accepted());
                node.put("rejected", c.rejected());
                ObjectNode reasons = node.putObject("rejectedByReason");
                c.rejectedByReason().forEach(reasons::put);
                rate(node, "eventsPerSecond", acceptedRate.update(now, c.accepted()));
                rate(node, "rejectedPerSecond", rejectedRate.update(now, c.rejected()));
            } else {
                root.putNull("collector");
            }
            var stored = counters.stored();
            if (stored.isPresent()) {
                ObjectNode node = root.putObject("loader");
                node.put("stored", stored.getAsLong());
                rate(node, "storedPerSecond", storedRate.update(now, stored.getAsLong()));
            } else {
                root.putNull("loader");
            }
            root.setAll(progress(now));
            send(ctx, root);
        } catch (TallyException e) {
            ApiRequests.sendError(ctx, e);
        }
    }

    /** {@code completeUpTo}, its age and the lag: null where this process cannot know them (no loader here). */
    private ObjectNode progress(Instant now) {
        IngestionProgress progress = queries.progress();
        ObjectNode node = MAPPER.createObjectNode();
        node.put("store", queries.store());
        var completeUpTo = progress.completeUpTo();
        if (completeUpTo.isPresent()) {
            node.put("completeUpTo", completeUpTo.get().toString());
            node.put("completeUpToAgeMs", Math.max(0, Duration.between(completeUpTo.get(), now).toMillis()));
        } else {
            node.putNull("completeUpTo");
            node.putNull("completeUpToAgeMs");
        }
        if (progress.lagEvents() >= 0) {
            node.put("lagEvents", progress.lagEvents());
        } else {
            node.putNull("lagEvents");
        }
        return node;
    }

    private static ObjectNode render(RecentEvent e) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("messageId", e.messageId());
        node.put("type", e.type().wireName());
        node.put("event", e.event());
        node.put("distinctId", e.distinctId());
        node.put("userId", e.userId());
        node.put("anonymousId", e.anonymousId());
        node.put("timestamp", e.timestamp().toString());
        node.put("receivedAt", e.receivedAt().toString());
        node.put("name", e.name());
        ObjectNode properties = node.putObject("properties");
        for (Map.Entry<String, String> p : e.properties().entrySet()) {
            properties.put(p.getKey(), p.getValue());
        }
        return node;
    }

    private static void rate(ObjectNode node, String field, OptionalDouble rate) {
        if (rate.isPresent()) {
            node.put(field, Math.round(rate.getAsDouble() * 100) / 100.0);
        } else {
            node.putNull(field);
        }
    }

    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text.trim());
            if (limit >= 1 && limit <= RecentEventsSpec.MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the range
        }
        throw TallyException.forField(ErrorCode.INVALID_REQUEST, "limit",
                "'limit' must be a whole number from 1 to " + RecentEventsSpec.MAX_LIMIT);
    }

    private static Instant since(String text, Instant now) {
        if (text == null || text.isBlank()) {
            return now.minus(DEFAULT_WINDOW);
        }
        Instant since;
        try {
            since = Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw TallyException.forField(ErrorCode.INVALID_REQUEST, "since",
                    "'since' must be an ISO-8601 instant such as 2026-05-01T12:00:00Z");
        }
        if (since.isBefore(now.minus(MAX_WINDOW))) {
            throw TallyException.forField(ErrorCode.INVALID_REQUEST, "since",
                    "the live view looks back at most " + MAX_WINDOW.toDays() + " days; use a query for older events");
        }
        return since;
    }

    private static void send(Context ctx, ObjectNode body) {
        // live answers change with every poll: no cache may keep them
        ctx.header("Cache-Control", "no-store").contentType("application/json").result(body.toString());
    }
}
