package io.tally.api.saved;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.tally.query.QueryParser;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Saved insights and dashboards of a project, with its read key:
 * {@code GET/POST /v1/projects/{project}/insights}, {@code GET/PUT/DELETE .../insights/{id}}, and the
 * same for {@code dashboards}. POST creates with a new id (201); PUT creates or replaces under the
 * given id. A saved query is checked exactly as the query endpoint would check it, so a saved insight
 * always runs.
 *
 * <p>The read key may save: insights are views of data its holder can already read, and the
 * dashboard has no other key to offer. Writing them under a separate key can come with user accounts.
 */
public final class SavedRoutes {
    static final int MAX_NAME_LENGTH = 200;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> INSIGHT_FIELDS = Set.of("name", "query", "chart");
    private static final Set<String> DASHBOARD_FIELDS = Set.of("name", "insights");
    private static final Set<String> TREND_CHARTS = Set.of("line", "bar");

    private final SavedLibrary library;
    private final QueryParser parser;
    private final ProjectDirectory projects;

    /** @param parser checks saved queries exactly as the query endpoint does */
    public SavedRoutes(SavedLibrary library, QueryParser parser, ProjectDirectory projects) {
        this.library = requireNonNull(library, "library is null");
        this.parser = requireNonNull(parser, "parser is null");
        this.projects = requireNonNull(projects, "projects is null");
    }

    /** Registers the insight and dashboard endpoints. */
    public void addTo(RoutesConfig routes) {
        String insights = "/v1/projects/{project}/insights";
        routes.get(insights, ctx -> handle(ctx, this::listInsights));
        routes.post(insights, ctx -> handle(ctx, project -> saveInsight(ctx, project, null)));
        routes.get(insights + "/{id}", ctx -> handle(ctx, project -> LibraryJson.render(library.insight(project.id(), ctx.pathParam("id")))));
        routes.put(insights + "/{id}", ctx -> handle(ctx, project -> saveInsight(ctx, project, pathId(ctx))));
        routes.delete(insights + "/{id}", ctx -> handle(ctx, project -> {
            library.deleteInsight(project.id(), ctx.pathParam("id"));
            return null;
        }));
        String dashboards = "/v1/projects/{project}/dashboards";
        routes.get(dashboards, ctx -> handle(ctx, this::listDashboards));
        routes.post(dashboards, ctx -> handle(ctx, project -> saveDashboard(ctx, project, null)));
        routes.get(dashboards + "/{id}", ctx -> handle(ctx, project -> LibraryJson.render(library.dashboard(project.id(), ctx.pathParam("id")))));
        routes.put(dashboards + "/{id}", ctx -> handle(ctx, project -> saveDashboard(ctx, project, pathId(ctx))));
        routes.delete(dashboards + "/{id}", ctx -> handle(ctx, project -> {
            library.deleteDashboard(project.id(), ctx.pathParam("id"));
            return null;
        }));
    }

    private interface Action {
        /** The answer's body, or null for 204 No Content. */
        ObjectNode run(Project project);
    }

    private void handle(Context ctx, Action action) {
        try {
            Project project = ApiRequests.authorize(projects, ctx);
            ObjectNode body = action.run(project);
            if (body == null) {
                ctx.status(204);
            } else {
                ctx.contentType("application/json").result(body.toString());
            }
        } catch (TallyException e) {
            ApiRequests.sendError(ctx, e);
        }
    }

    private ObjectNode listInsights(Project project) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode items = root.putArray("insights");
        library.library(project.id()).insights().forEach(i -> items.add(LibraryJson.render(i)));
        return root;
    }

    private ObjectNode listDashboards(Project project) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode items = root.putArray("dashboards");
        library.library(project.id()).dashboards().forEach(d -> items.add(LibraryJson.render(d)));
        return root;
    }

    private ObjectNode saveInsight(Context ctx, Project project, String id) {
        JsonNode body = object(ApiRequests.readJson(ctx, "an insight"));
        rejectUnknownFields(body, INSIGHT_FIELDS);
        String name = name(body);
        JsonNode query = body.get("query");
        if (query == null || !query.isObject()) {
            throw invalid("query", "'query' must be a query object, as POST /v1/projects/{project}/query takes it");
        }
        String kind = checkQuery(project, query);
        String chart = chart(body.get("chart"), kind);
        Insight saved = library.saveInsight(project.id(), id, name, query.toString(), chart);
        if (id == null) {
            ctx.status(201);
        }
        return LibraryJson.render(saved);
    }

    private ObjectNode saveDashboard(Context ctx, Project project, String id) {
        JsonNode body = object(ApiRequests.readJson(ctx, "a dashboard"));
        rejectUnknownFields(body, DASHBOARD_FIELDS);
        String name = name(body);
        List<String> insightIds = new ArrayList<>();
        JsonNode ids = body.get("insights");
        if (ids != null && !ids.isNull()) {
            if (!ids.isArray()) {
                throw invalid("insights", "'insights' must be an array of insight ids");
            }
            for (int i = 0; i < ids.size(); i++) {
                JsonNode item = ids.get(i);
                if (!item.isTextual() || !SavedIds.VALID.matcher(item.asText()).matches()) {
                    throw invalid("insights[" + i + "]", "an insight id is 1-64 letters, digits, '-' or '_'");
                }
                insightIds.add(item.asText());
            }
        }
        Dashboard saved = library.saveDashboard(project.id(), id, name, insightIds);
        if (id == null) {
            ctx.status(201);
        }
        return LibraryJson.render(saved);
    }

    /** The query's kind, after checking it as the query endpoint would; errors name {@code query.FIELD}. */
    private String checkQuery(Project project, JsonNode query) {
        try {
            String kind = QueryParser.kind(query);
            switch (kind) {
                case "trends" -> parser.parseTrends(query, project.timezone());
                case "funnel" -> parser.parseFunnel(project.id(), query, project.timezone());
                case "retention" -> parser.parseRetention(project.id(), query, project.timezone());
                default -> throw TallyException.forField(ErrorCode.INVALID_QUERY, "kind",
                        "unknown kind '" + ApiRequests.abbreviate(kind) + "'; available: trends, funnel, retention");
            }
            return kind;
        } catch (TallyException e) {
            throw new TallyException(e.code(), e.getMessage(), "query" + e.field().map(f -> "." + f).orElse(""), e);
        }
    }

    private static String chart(JsonNode node, String kind) {
        if (node == null || node.isNull()) {
            return kind.equals("trends") ? "line" : null;
        }
        if (!kind.equals("trends")) {
            throw invalid("chart", "only trends have a choice of chart; leave 'chart' out for a " + kind);
        }
        if (!node.isTextual() || !TREND_CHARTS.contains(node.asText())) {
            throw invalid("chart", "'chart' must be one of " + TREND_CHARTS);
        }
        return node.asText();
    }

    private static String name(JsonNode body) {
        JsonNode node = body.get("name");
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw invalid("name", "'name' is required: a non-empty text");
        }
        String name = node.asText().strip();
        if (name.length() > MAX_NAME_LENGTH) {
            throw invalid("name", "'name' is at most " + MAX_NAME_LENGTH + " characters");
        }
        return name;
    }

    private static String pathId(Context ctx) {
        String id = ctx.pathParam("id");
        if (!SavedIds.VALID.matcher(id).matches()) {
            throw invalid("id", "an id is 1-64 letters, digits, '-' or '_'");
        }
        return id;
    }

    private static JsonNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new TallyException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
        }
        return body;
    }

    private static void rejectUnknownFields(JsonNode body, Set<String> known) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw invalid(name, "unknown field '" + ApiRequests.abbreviate(name) + "'; known: " + known);
            }
        }
    }

    private static TallyException invalid(String field, String message) {
        return TallyException.forField(ErrorCode.INVALID_REQUEST, field, message);
    }
}
