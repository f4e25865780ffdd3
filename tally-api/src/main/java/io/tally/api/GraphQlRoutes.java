package io.tally.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.project.Project;
import io.tally.core.project.ProjectDirectory;
import io.tally.http.ErrorResponses;
import io.tally.query.QueryParser;
import io.tally.query.QueryService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /graphql}: the same three questions as the REST API, typed, with introspection.
 *
 * <p>Arguments are turned into the REST API's JSON body and read by the same {@link QueryParser}, so
 * both APIs validate and mean exactly the same; a bad argument comes back as a GraphQL error whose
 * {@code extensions} carry the error code and the field, like the REST API's 400. The read key is
 * checked before anything runs and binds the request to one project.
 */
public final class GraphQlRoutes {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PROJECT_KEY = "tally.project";

    private final QueryService queries;
    private final QueryParser parser;
    private final ProjectDirectory projects;
    private final GraphQL graphql;

    public GraphQlRoutes(QueryService queries, QueryParser parser, ProjectDirectory projects) {
        this.queries = requireNonNull(queries, "queries is null");
        this.parser = requireNonNull(parser, "parser is null");
        this.projects = requireNonNull(projects, "projects is null");
        this.graphql = GraphQL.newGraphQL(schema()).build();
    }

    public void addTo(RoutesConfig routes) {
        routes.post("/graphql", this::execute);
    }

    private GraphQLSchema schema() {
        String sdl;
        try (InputStream in = GraphQlRoutes.class.getResourceAsStream("tally.graphqls")) {
            sdl = new String(requireNonNull(in, "tally.graphqls is missing").readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
                .type("Query", t -> t
                        .dataFetcher("trends", fetcher("trends", (project, body) ->
                                QueryJson.render(queries.trends(project.id(), parser.parseTrends(body, project.timezone())))))
                        .dataFetcher("funnel", fetcher("funnel", (project, body) ->
                                QueryJson.render(queries.funnel(parser.parseFunnel(project.id(), body, project.timezone())))))
                        .dataFetcher("retention", fetcher("retention", (project, body) ->
                                QueryJson.render(queries.retention(parser.parseRetention(project.id(), body, project.timezone()))))))
                .build();
        return new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl), wiring);
    }

    private interface Question {
        ObjectNode answer(Project project, JsonNode body);
    }

    private DataFetcher<DataFetcherResult<Map<String, Object>>> fetcher(String kind, Question question) {
        return env -> {
            Project project = env.getGraphQlContext().get(PROJECT_KEY);
            try {
                if (!project.id().equals(env.getArgument("project"))) {
                    throw new TallyException(ErrorCode.FORBIDDEN, "the read key is not valid for project '"
                            + ApiRequests.abbreviate(String.valueOf(env.<Object>getArgument("project"))) + "'");
                }
                ObjectNode answer = question.answer(project, body(kind, env));
                @SuppressWarnings("unchecked")
                Map<String, Object> data = MAPPER.convertValue(answer, Map.class);
                return DataFetcherResult.<Map<String, Object>>newResult().data(data).build();
            } catch (TallyException e) {
                return DataFetcherResult.<Map<String, Object>>newResult().error(error(env, e)).build();
            }
        };
    }

    private static GraphQLError error(DataFetchingEnvironment env, TallyException e) {
        Map<String, Object> extensions = new LinkedHashMap<>();
        extensions.put("code", e.code().wireName());
        e.field().ifPresent(f -> extensions.put("field", f));
        return GraphqlErrorBuilder.newError(env).message(e.getMessage()).extensions(extensions).build();
    }

    /** The REST body these arguments stand for. */
    private static ObjectNode body(String kind, DataFetchingEnvironment env) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("kind", kind);
        for (Map.Entry<String, Object> argument : env.getArguments().entrySet()) {
            if (argument.getKey().equals("project") || argument.getValue() == null) {
                continue;
            }
            body.set(argument.getKey(), MAPPER.valueToTree(argument.getValue()));
        }
        rewriteFilters(body);
        return body;
    }

    /** GraphQL inputs cannot be "a string or a number or a list": they carry value, number or values. */
    private static void rewriteFilters(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            if (object.has("op") && object.has("property")) {
                JsonNode number = object.remove("number");
                JsonNode values = object.remove("values");
                if (number != null && !number.isNull()) {
                    object.set("value", number);
                } else if (values != null && !values.isNull()) {
                    object.set("value", values);
                }
            }
            object.forEach(GraphQlRoutes::rewriteFilters);
        } else if (node.isArray()) {
            node.forEach(GraphQlRoutes::rewriteFilters);
        }
    }

    private void execute(Context ctx) {
        try {
            Project project = ApiRequests.authorizeAnyProject(projects, ctx.header("Authorization"));
            JsonNode request = readRequest(ctx);
            JsonNode query = request.get("query");
            if (query == null || !query.isTextual()) {
                throw TallyException.forField(ErrorCode.INVALID_REQUEST, "query", "a GraphQL request needs 'query'");
            }
            Map<String, Object> variables = request.has("variables") && request.get("variables").isObject()
                    ? MAPPER.convertValue(request.get("variables"), Map.class) : Map.of();
            ExecutionInput.Builder input = ExecutionInput.newExecutionInput().query(query.asText()).variables(variables)
                    .graphQLContext(Map.of(PROJECT_KEY, project));
            if (request.hasNonNull("operationName")) {
                input.operationName(request.get("operationName").asText());
            }
            ExecutionResult result = graphql.execute(input.build());
            ctx.contentType("application/json").result(MAPPER.writeValueAsString(result.toSpecification()));
        } catch (TallyException e) {
            ApiRequests.sendError(ctx, e);
        } catch (JsonProcessingException e) {
            ErrorResponses.send(ctx, new TallyException(ErrorCode.INTERNAL, "could not write the answer", e));
        }
    }

    private static JsonNode readRequest(Context ctx) {
        JsonNode node = ApiRequests.readJson(ctx, "a GraphQL request");
        if (node == null || !node.isObject()) {
            throw new TallyException(ErrorCode.INVALID_REQUEST, "a GraphQL request is a JSON object {query, variables?, operationName?}");
        }
        return node;
    }
}
