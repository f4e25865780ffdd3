package io.tally.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.project.Project;
import io.tally.core.project.ProjectDirectory;
import io.tally.http.Credentials;
import io.tally.http.ErrorResponses;
import io.tally.query.QueryParser;
import io.tally.query.QueryService;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code POST /v1/projects/{project}/query}: the read key as {@code Authorization: Bearer KEY}, the
 * question as JSON with a {@code kind}. New kinds and fields are added without changing the existing ones.
 */
public final class QueryRoutes {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_QUERY_BYTES = 64 * 1024;

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
            ErrorResponses.send(ctx, e);
        }
    }

    /** The project of a valid read key, whatever project the request names (GraphQL names it in arguments). */
    static Project authorizeAnyProject(ProjectDirectory projects, String authorization) {
        String key = Credentials.bearer(authorization).orElseThrow(() ->
                new TallyException(ErrorCode.UNAUTHORIZED, "send the project's read key as 'Authorization: Bearer KEY'"));
        return projects.byReadKey(key)
                .orElseThrow(() -> new TallyException(ErrorCode.UNAUTHORIZED, "the read key is not valid for any project"));
    }

    private Project authorize(String authorization, String projectId) {
        Project project = authorizeAnyProject(projects, authorization);
        if (!project.id().equals(projectId)) {
            throw new TallyException(ErrorCode.FORBIDDEN, "the read key is not valid for project '" + abbreviate(projectId) + "'");
        }
        return project;
    }

    private static JsonNode readBody(Context ctx) {
        return readJson(ctx, "a query body");
    }

    /** A JSON body of at most 64 KiB; {@code what} names it in the error, e.g. "a GraphQL request". */
    static JsonNode readJson(Context ctx, String what) {
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] bytes = in.readNBytes(MAX_QUERY_BYTES + 1);
            if (bytes.length > MAX_QUERY_BYTES) {
                throw new TallyException(ErrorCode.BODY_TOO_LARGE, what + " is limited to " + MAX_QUERY_BYTES + " bytes");
            }
            return MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new TallyException(ErrorCode.INVALID_JSON, "malformed JSON: " + io.tally.http.JsonErrors.describe(e), e);
        } catch (IOException e) {
            throw new TallyException(ErrorCode.INVALID_REQUEST, "the request body could not be read", e);
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
