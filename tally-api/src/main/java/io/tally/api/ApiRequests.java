package io.tally.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.project.Project;
import io.tally.core.project.ProjectDirectory;
import io.tally.http.Credentials;
import io.tally.http.ErrorResponses;
import io.tally.http.JsonErrors;
import java.io.IOException;
import java.io.InputStream;

/**
 * What every read-side endpoint does first: check the project's read key and read a bounded JSON body.
 * Shared by the query, GraphQL, saved-insight and live routes, so that all of them refuse alike.
 */
public final class ApiRequests {
    /** The largest JSON body a read-side endpoint takes: questions and saved insights are small. */
    public static final int MAX_JSON_BYTES = 64 * 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiRequests() {
    }

    /** The project of a valid read key, whatever project the request names (GraphQL names it in arguments). */
    public static Project authorizeAnyProject(ProjectDirectory projects, String authorization) {
        String key = Credentials.bearer(authorization).orElseThrow(() ->
                new TallyException(ErrorCode.UNAUTHORIZED, "send the project's read key as 'Authorization: Bearer KEY'"));
        return projects.byReadKey(key)
                .orElseThrow(() -> new TallyException(ErrorCode.UNAUTHORIZED, "the read key is not valid for any project"));
    }

    /** The project named in the path, if the request's read key belongs to it: 401 without a valid key, 403 for another project. */
    public static Project authorize(ProjectDirectory projects, String authorization, String projectId) {
        Project project = authorizeAnyProject(projects, authorization);
        if (!project.id().equals(projectId)) {
            throw new TallyException(ErrorCode.FORBIDDEN, "the read key is not valid for project '" + abbreviate(projectId) + "'");
        }
        return project;
    }

    /** {@link #authorize} for the {@code {project}} path parameter of a request. */
    public static Project authorize(ProjectDirectory projects, Context ctx) {
        return authorize(projects, ctx.header("Authorization"), ctx.pathParam("project"));
    }

    /** A JSON body of at most {@link #MAX_JSON_BYTES}; {@code what} names it in the error, e.g. "a GraphQL request". */
    public static JsonNode readJson(Context ctx, String what) {
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] bytes = in.readNBytes(MAX_JSON_BYTES + 1);
            if (bytes.length > MAX_JSON_BYTES) {
                throw new TallyException(ErrorCode.BODY_TOO_LARGE, what + " is limited to " + MAX_JSON_BYTES + " bytes");
            }
            return MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new TallyException(ErrorCode.INVALID_JSON, "malformed JSON: " + JsonErrors.describe(e), e);
        } catch (IOException e) {
            throw new TallyException(ErrorCode.INVALID_REQUEST, "the request body could not be read", e);
        }
    }

    /**
     * Sends an error as every endpoint does, except that a 401 asks for a Bearer token: the shared
     * answer asks for HTTP Basic (the collector's scheme), and a browser that reads a Basic challenge
     * opens a password dialog instead of handing the 401 to the dashboard's script.
     */
    public static void sendError(Context ctx, TallyException e) {
        ErrorResponses.send(ctx, e);
        if (ctx.statusCode() == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"tally\"");
        }
    }

    /** A user's text cut to a length fit for an error message. */
    public static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
