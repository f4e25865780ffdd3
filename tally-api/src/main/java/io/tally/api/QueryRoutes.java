package io.tally.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import io.tally.query.TrendsResult;
import java.io.IOException;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

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
            if (!kind.equals("trends")) {
                throw TallyException.forField(ErrorCode.INVALID_QUERY, "kind", "unknown kind '" + abbreviate(kind) + "'; available: trends");
            }
            TrendsResult result = queries.trends(project.id(), parser.parseTrends(body, project.timezone()));
            ctx.contentType("application/json").result(render(result).toString());
        } catch (TallyException e) {
            ErrorResponses.send(ctx, e);
        }
    }

    private Project authorize(String authorization, String projectId) {
        String key = Credentials.bearer(authorization).orElseThrow(() ->
                new TallyException(ErrorCode.UNAUTHORIZED, "send the project's read key as 'Authorization: Bearer KEY'"));
        Project project = projects.byReadKey(key)
                .orElseThrow(() -> new TallyException(ErrorCode.UNAUTHORIZED, "the read key is not valid for any project"));
        if (!project.id().equals(projectId)) {
            throw new TallyException(ErrorCode.FORBIDDEN, "the read key is not valid for project '" + abbreviate(projectId) + "'");
        }
        return project;
    }

    private static JsonNode readBody(Context ctx) {
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] bytes = in.readNBytes(MAX_QUERY_BYTES + 1);
            if (bytes.length > MAX_QUERY_BYTES) {
                throw new TallyException(ErrorCode.BODY_TOO_LARGE, "a query body is limited to " + MAX_QUERY_BYTES + " bytes");
            }
            return MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new TallyException(ErrorCode.INVALID_JSON, "malformed JSON: " + io.tally.http.JsonErrors.describe(e), e);
        } catch (IOException e) {
            throw new TallyException(ErrorCode.INVALID_REQUEST, "the request body could not be read", e);
        }
    }

    static ObjectNode render(TrendsResult result) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("kind", "trends");
        root.put("interval", result.interval().wireName());
        root.put("timezone", result.timezone());
        ArrayNode series = root.putArray("series");
        for (TrendsResult.SeriesResult s : result.series()) {
            ObjectNode item = series.addObject();
            item.put("event", s.event());
            item.put("math", s.math());
            ArrayNode buckets = item.putArray("buckets");
            for (OffsetDateTime b : s.buckets()) {
                buckets.add(b.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            }
            ArrayNode values = item.putArray("values");
            for (Double v : s.values()) {
                if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                    values.add(v.longValue());
                } else {
                    values.add(v);
                }
            }
        }
        ObjectNode meta = root.putObject("meta");
        meta.put("store", result.meta().store());
        meta.put("durationMs", Math.round(result.meta().durationMillis() * 100) / 100.0);
        meta.put("cached", result.meta().cached());
        return root;
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
