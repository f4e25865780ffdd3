package io.tally.collector.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tally.collector.RejectedReplay;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.project.Project;
import io.tally.core.project.ProjectDirectory;
import io.tally.http.Credentials;
import io.tally.http.ErrorResponses;
import io.tally.http.JsonErrors;
import io.tally.schema.EventSchema;
import io.tally.schema.ProjectPlan;
import io.tally.schema.SchemaVer;
import io.tally.schema.TrackingPlans;
import io.tally.schema.ValidationMode;
import io.tally.schema.ValidationSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.NavigableMap;

/**
 * The tracking-plan admin API of the collector role:
 * <ul>
 *   <li>{@code GET /v1/projects/{p}/schemas} and {@code .../schemas/{event}}: the plan (admin or read key);</li>
 *   <li>{@code PUT /v1/projects/{p}/schemas/{event}} with {@code {"version":"1-0-1","schema":{...}}} (admin key);</li>
 *   <li>{@code GET|PUT /v1/projects/{p}/validation}: the mode and what happens to unknown events;</li>
 *   <li>{@code POST /v1/projects/{p}/rejected/replay} with {@code {"since":"..."}}: replays dead letters,
 *       answering with one JSON line of progress per thousand records and a last line with the totals.</li>
 * </ul>
 * The admin key is the server's, not a project's: the write key ships in web pages, the read key to dashboards.
 */
public final class AdminRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SCHEMA_BYTES = 256 * 1024;

    private final TrackingPlans plans;
    private final RejectedReplay replay;
    private final ProjectDirectory projects;
    private final byte[] adminKey;

    public AdminRoutes(TrackingPlans plans, RejectedReplay replay, ProjectDirectory projects, String adminKey) {
        this.plans = requireNonNull(plans, "plans is null");
        this.replay = requireNonNull(replay, "replay is null");
        this.projects = requireNonNull(projects, "projects is null");
        this.adminKey = requireNonNull(adminKey, "adminKey is null").getBytes(StandardCharsets.UTF_8);
    }

    public void addTo(RoutesConfig routes) {
        routes.get("/v1/projects/{project}/schemas", ctx -> handle(ctx, () -> listSchemas(ctx)));
        routes.get("/v1/projects/{project}/schemas/{event}", ctx -> handle(ctx, () -> showSchema(ctx)));
        routes.put("/v1/projects/{project}/schemas/{event}", ctx -> handle(ctx, () -> registerSchema(ctx)));
        routes.get("/v1/projects/{project}/validation", ctx -> handle(ctx, () -> showValidation(ctx)));
        routes.put("/v1/projects/{project}/validation", ctx -> handle(ctx, () -> setValidation(ctx)));
        routes.post("/v1/projects/{project}/rejected/replay", ctx -> handle(ctx, () -> replay(ctx)));
    }

    private void listSchemas(Context ctx) {
        Project project = reader(ctx);
        ProjectPlan plan = plans.plan(project.id());
        ObjectNode body = JSON.createObjectNode();
        body.set("validation", settingsJson(plan.settings()));
        ArrayNode events = body.putArray("schemas");
        plan.schemas().forEach((event, versions) -> {
            ObjectNode item = events.addObject().put("event", event).put("latest", versions.lastKey().toString());
            ArrayNode list = item.putArray("versions");
            versions.keySet().forEach(v -> list.add(v.toString()));
        });
        ctx.json(body);
    }

    private void showSchema(Context ctx) {
        Project project = reader(ctx);
        String event = ctx.pathParam("event");
        NavigableMap<SchemaVer, EventSchema> versions = plans.plan(project.id()).schemas().get(event);
        if (versions == null) {
            throw new TallyException(ErrorCode.NOT_FOUND, "project " + project.id() + " has no schema for '" + abbreviate(event) + "'");
        }
        ObjectNode body = JSON.createObjectNode().put("event", event);
        ArrayNode list = body.putArray("versions");
        versions.values().forEach(s -> list.add(schemaJson(s)));
        ctx.json(body);
    }

    private void registerSchema(Context ctx) {
        Project project = admin(ctx);
        JsonNode body = readJson(ctx);
        JsonNode version = body.get("version");
        if (version == null || !version.isTextual()) {
            throw TallyException.forField(ErrorCode.INVALID_REQUEST, "version", "'version' is required, e.g. \"1-0-0\"");
        }
        SchemaVer parsed;
        try {
            parsed = SchemaVer.parse(version.asText());
        } catch (IllegalArgumentException e) {
            throw TallyException.forField(ErrorCode.INVALID_REQUEST, "version", e.getMessage());
        }
        if (!body.has("schema")) {
            throw TallyException.forField(ErrorCode.INVALID_REQUEST, "schema", "'schema' is required: the JSON Schema of the properties");
        }
        TrackingPlans.RegistrationOutcome outcome = plans.register(project.id(), ctx.pathParam("event"), parsed, body.get("schema"));
        ctx.status(outcome.created() ? 201 : 200).json(schemaJson(outcome.schema()).put("created", outcome.created()));
    }

    private void showValidation(Context ctx) {
        ctx.json(settingsJson(plans.plan(reader(ctx).id()).settings()));
    }

    private void setValidation(Context ctx) {
        Project project = admin(ctx);
        JsonNode body = readJson(ctx);
        ValidationSettings current = plans.plan(project.id()).settings();
        ValidationMode mode = current.mode();
        boolean rejectUnknown = current.rejectUnknownEvents();
        if (body.has("mode")) {
            try {
                mode = ValidationMode.parse(body.get("mode").asText());
            } catch (IllegalArgumentException e) {
                throw TallyException.forField(ErrorCode.INVALID_REQUEST, "mode", e.getMessage());
            }
        }
        if (body.has("unknownEvents")) {
            String text = body.get("unknownEvents").asText();
            if (!text.equals("allow") && !text.equals("reject")) {
                throw TallyException.forField(ErrorCode.INVALID_REQUEST, "unknownEvents", "unknownEvents must be allow or reject");
            }
            rejectUnknown = text.equals("reject");
        }
        ValidationSettings settings = new ValidationSettings(mode, rejectUnknown);
        plans.configure(project.id(), settings);
        ctx.json(settingsJson(settings));
    }

    private void replay(Context ctx) {
        Project project = admin(ctx);
        JsonNode body = readJson(ctx);
        Instant since = parseSince(body.path("since").asText(null));
        // the answer streams: the status is sent before the replay starts, failures end the stream with an error line
        ctx.status(200).contentType("application/x-ndjson");
        try {
            OutputStream out = ctx.res().getOutputStream();
            try {
                replay.replay(project.id(), since, progress -> writeLine(out, progressJson(progress)));
            } catch (TallyException e) {
                writeLine(out, ErrorResponses.body(e.code(), e.getMessage(), null, null).put("done", false));
            }
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("the client went away during the replay", e);
        }
    }

    private static Instant parseSince(String text) {
        if (text == null) {
            throw TallyException.forField(ErrorCode.INVALID_REQUEST, "since", "'since' is required: an ISO date or date-time");
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw TallyException.forField(ErrorCode.INVALID_REQUEST, "since",
                    "'since' must be an ISO date (2026-11-01) or date-time (2026-11-01T12:00:00Z), not '" + abbreviate(text) + "'");
        }
    }

    private static ObjectNode progressJson(RejectedReplay.Progress p) {
        ObjectNode line = JSON.createObjectNode().put("read", p.read()).put("replayed", p.replayed()).put("done", p.done());
        ObjectNode still = line.putObject("stillRejected");
        p.stillRejected().forEach(still::put);
        ObjectNode examples = line.putObject("examples");
        p.examples().forEach(examples::put);
        return line;
    }

    private static void writeLine(OutputStream out, ObjectNode line) {
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Handler {
        void run();
    }

    private static void handle(Context ctx, Handler handler) {
        try {
            handler.run();
        } catch (TallyException e) {
            ErrorResponses.send(ctx, e);
        }
    }

    /** The admin key may change any project's plan; 401 without it. */
    private Project admin(Context ctx) {
        String key = Credentials.bearer(ctx.header("Authorization")).orElse(null);
        if (key == null || !MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), adminKey)) {
            throw new TallyException(ErrorCode.UNAUTHORIZED, "changing a tracking plan needs the admin key as 'Authorization: Bearer KEY'");
        }
        return project(ctx.pathParam("project"));
    }

    /** Reading the plan: the admin key or the project's read key. */
    private Project reader(Context ctx) {
        String key = Credentials.bearer(ctx.header("Authorization")).orElse(null);
        if (key != null && MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), adminKey)) {
            return project(ctx.pathParam("project"));
        }
        if (key == null) {
            throw new TallyException(ErrorCode.UNAUTHORIZED, "send the admin key or the project's read key as 'Authorization: Bearer KEY'");
        }
        Project project = projects.byReadKey(key)
                .orElseThrow(() -> new TallyException(ErrorCode.UNAUTHORIZED, "the key is neither the admin key nor a project's read key"));
        if (!project.id().equals(ctx.pathParam("project"))) {
            throw new TallyException(ErrorCode.FORBIDDEN, "the read key is not valid for project '" + abbreviate(ctx.pathParam("project")) + "'");
        }
        return project;
    }

    private Project project(String id) {
        return projects.byId(id).orElseThrow(() -> new TallyException(ErrorCode.NOT_FOUND, "no project '" + abbreviate(id) + "'"));
    }

    private static JsonNode readJson(Context ctx) {
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] bytes = in.readNBytes(MAX_SCHEMA_BYTES + 1);
            if (bytes.length > MAX_SCHEMA_BYTES) {
                throw new TallyException(ErrorCode.BODY_TOO_LARGE, "an admin request is limited to " + MAX_SCHEMA_BYTES + " bytes");
            }
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new TallyException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new TallyException(ErrorCode.INVALID_JSON, "malformed JSON: " + JsonErrors.describe(e), e);
        } catch (IOException e) {
            throw new TallyException(ErrorCode.INVALID_REQUEST, "the request body could not be read", e);
        }
    }

    private static ObjectNode schemaJson(EventSchema schema) {
        ObjectNode node = JSON.createObjectNode().put("event", schema.event()).put("version", schema.version().toString())
                .put("registeredAt", schema.registeredAt().toString());
        node.set("schema", schema.schema());
        return node;
    }

    private static ObjectNode settingsJson(ValidationSettings settings) {
        return JSON.createObjectNode().put("mode", settings.mode().wireName())
                .put("unknownEvents", settings.rejectUnknownEvents() ? "reject" : "allow");
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
