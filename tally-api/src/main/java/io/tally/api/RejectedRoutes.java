package io.tally.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.project.Project;
import io.tally.core.project.ProjectDirectory;
import io.tally.core.spi.RejectedEventQueries;
import io.tally.core.spi.RejectedEventQueries.StoredRejection;
import io.tally.http.ErrorResponses;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code GET /v1/projects/{project}/rejected?since=...&limit=...}: the project's refused events with the
 * reason, the schema version they failed and when they arrived, newest first (read key). Without
 * {@code since}, the last 24 hours.
 */
public final class RejectedRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1_000;

    private final RejectedEventQueries rejected;
    private final ProjectDirectory projects;
    private final Clock clock;

    public RejectedRoutes(RejectedEventQueries rejected, ProjectDirectory projects, Clock clock) {
        this.rejected = requireNonNull(rejected, "rejected is null");
        this.projects = requireNonNull(projects, "projects is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public void addTo(RoutesConfig routes) {
        routes.get("/v1/projects/{project}/rejected", this::list);
    }

    private void list(Context ctx) {
        try {
            Project project = ApiRequests.authorize(projects, ctx);
            Instant since = since(ctx.queryParam("since"));
            int limit = limit(ctx.queryParam("limit"));
            List<StoredRejection> rows = rejected.rejected(project.id(), since, limit);
            ObjectNode body = JSON.createObjectNode().put("project", project.id()).put("since", since.toString());
            ArrayNode items = body.putArray("rejected");
            for (StoredRejection r : rows) {
                ObjectNode item = items.addObject().put("receivedAt", r.receivedAt().toString()).put("code", r.code())
                        .put("reason", r.reason());
                item.put("schema", r.schema());
                item.put("messageId", r.messageId());
                item.put("event", eventName(r.payload()));
                item.put("payload", r.payload());
                item.put("position", r.partition() + "/" + r.offset());
            }
            body.put("count", rows.size());
            ctx.contentType("application/json").result(body.toString());
        } catch (TallyException e) {
            ErrorResponses.send(ctx, e);
        }
    }

    private Instant since(String text) {
        if (text == null || text.isBlank()) {
            return clock.instant().minus(Duration.ofDays(1));
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw TallyException.forField(ErrorCode.INVALID_REQUEST, "since",
                    "'since' must be an ISO date (2026-11-01) or date-time (2026-11-01T12:00:00Z), not '" + ApiRequests.abbreviate(text) + "'");
        }
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw TallyException.forField(ErrorCode.INVALID_REQUEST, "limit", "'limit' must be a whole number from 1 to " + MAX_LIMIT);
    }

    /** The event name of a payload, for listing; null when the payload is not readable JSON (it may be cut). */
    private static String eventName(String payload) {
        try {
            var node = JSON.readTree(payload);
            return node != null && node.hasNonNull("event") ? node.get("event").asText() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
