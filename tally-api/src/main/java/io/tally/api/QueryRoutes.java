package io.tally.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.project.Project;
import io.tally.core.project.ProjectDirectory;
import io.tally.query.QueryParser;
import io.tally.query.QueryService;

/**
 * {@code POST /v1/projects/{project}/query}: the read key as {@code Authorization: Bearer KEY}, the
 * question as JSON with a {@code kind}. New kinds and fields are added without changing the existing ones.
 */
public final class QueryRoutes {
    private final QueryService queries;
    private final QueryParser parser;
    private final ProjectDirectory projects;

    public QueryRoutes(QueryService queries, QueryParser parser, ProjectDirectory projects) {
        this.queries = requireNonNull(queries, "queries is null");
        this.parser = requireNonNull(parser, "parser is null");
        this.projects = requireNonNull(projects, "projects is null");
    }

    public void addTo(RoutesConfig routes) {
        routes.post("/v1/projects/{project}/query", this::query);
    }

    private void query(Context ctx) {
        try {
            Project project = authorize(ctx.header("Authorization"), ctx.pathParam("project"));
            JsonNode body = readBody(ctx);
            String kind = QueryParser.kind(body);
            ObjectNode result = switch (kind) {
                case "trends" -> QueryJson.render(queries.trends(project.id(), parser.parseTrends(body, project.timezone())));
                case "funnel" -> QueryJson.render(queries.funnel(parser.parseFunnel(project.id(), body, project.timezone())));
                case "retention" -> QueryJson.render(queries.retention(parser.parseRetention(project.id(), body, project.timezone())));
                default -> throw TallyException.forField(ErrorCode.INVALID_QUERY, "kind",
                        "unknown kind '" + abbreviate(kind) + "'; available: trends, funnel, retention");
            };
            ctx.contentType("application/json").result(result.toString());
        } catch (TallyException e) {
            ApiRequests.sendError(ctx, e);
        }
    }

    private Project authorize(String authorization, String projectId) {
        return ApiRequests.authorize(projects, authorization, projectId);
    }

    private static JsonNode readBody(Context ctx) {
        return ApiRequests.readJson(ctx, "a query body");
    }

    private static String abbreviate(String text) {
        return ApiRequests.abbreviate(text);
    }
}
