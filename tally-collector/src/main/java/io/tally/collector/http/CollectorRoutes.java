package io.tally.collector.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tally.collector.CollectorSettings;
import io.tally.collector.EventOutcome;
import io.tally.collector.IngestResult;
import io.tally.collector.IngestService;
import io.tally.collector.RequestMeta;
import io.tally.collector.body.BodyReader;
import io.tally.collector.parse.ParsedRequest;
import io.tally.collector.parse.SegmentRequestParser;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.EventType;
import io.tally.core.project.Project;
import io.tally.core.project.ProjectDirectory;
import io.tally.http.Credentials;
import io.tally.http.ErrorResponses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;

/**
 * The Segment-compatible ingestion endpoints: {@code /v1/track}, {@code identify}, {@code page},
 * {@code screen}, {@code group}, {@code alias}, {@code batch} (and {@code import}, which Segment's
 * server libraries post batches to).
 *
 * <p>Order of checks: the body is read within its limits first (413 before anything else, so a huge
 * body is never buffered), then parsed (400), then the key is checked (401), because Segment allows the
 * key inside the body.
 */
public final class CollectorRoutes {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final IngestService ingest;
    private final ProjectDirectory projects;
    private final BodyReader bodyReader;
    private final SegmentRequestParser parser;
    private final Clock clock;

    private final Counter gzipRequests;
    private final Counter plainRequests;

    public CollectorRoutes(CollectorSettings settings, IngestService ingest, ProjectDirectory projects, Clock clock,
                           MeterRegistry metrics) {
        requireNonNull(metrics, "metrics is null");
        this.gzipRequests = metrics.counter("tally.collector.requests", "encoding", "gzip");
        this.plainRequests = metrics.counter("tally.collector.requests", "encoding", "identity");
        this.ingest = requireNonNull(ingest, "ingest is null");
        this.projects = requireNonNull(projects, "projects is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.bodyReader = new BodyReader(settings.maxBodyBytes(), settings.maxCompressionRatio());
        this.parser = new SegmentRequestParser(settings.maxJsonDepth(), settings.maxBodyBytes());
    }

    public void addTo(RoutesConfig routes) {
        for (EventType type : EventType.values()) {
            routes.post("/v1/" + type.wireName(), ctx -> handle(ctx, type));
        }
        routes.post("/v1/batch", ctx -> handle(ctx, null));
        routes.post("/v1/import", ctx -> handle(ctx, null));
    }

    private void handle(Context ctx, EventType singleType) {
        Instant receivedAt = clock.instant();
        String encoding = ctx.header("Content-Encoding");
        (encoding != null && encoding.trim().equalsIgnoreCase("gzip") ? gzipRequests : plainRequests).increment();
        try {
            byte[] body = bodyReader.read(ctx.bodyInputStream(), encoding, contentLength(ctx));
            ParsedRequest request = singleType == null ? parser.parseBatch(body) : parser.parseSingle(body);
            Project project = authenticate(ctx.header("Authorization"), request.writeKey());
            RequestMeta meta = new RequestMeta(project.id(), receivedAt, ctx.ip(), ctx.header("User-Agent"));
            IngestResult result = ingest.ingest(request, singleType, meta);
            if (singleType != null && result.rejected() > 0) {
                EventOutcome outcome = result.outcomes().get(0);
                ErrorResponses.send(ctx, outcome.code(), outcome.reason(), outcome.field(), null);
                return;
            }
            ctx.status(200).contentType("application/json").result(responseBody(result).toString());
        } catch (TallyException e) {
            ErrorResponses.send(ctx, e);
        }
    }

    private Project authenticate(String authorization, String bodyWriteKey) {
        String key = Credentials.basicUser(authorization).orElse(bodyWriteKey);
        if (key == null || key.isBlank()) {
            throw new TallyException(ErrorCode.UNAUTHORIZED,
                    "no write key: send it as the HTTP Basic user name or as 'writeKey' in the body");
        }
        return projects.byWriteKey(key)
                .orElseThrow(() -> new TallyException(ErrorCode.UNAUTHORIZED, "the write key is not valid for any project"));
    }

    private static long contentLength(Context ctx) {
        String header = ctx.header("Content-Length");
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Segment clients read only {@code success}; Tally adds the outcome of every message. */
    private static ObjectNode responseBody(IngestResult result) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("success", true);
        root.put("accepted", result.accepted());
        root.put("rejected", result.rejected());
        ArrayNode results = root.putArray("results");
        for (EventOutcome outcome : result.outcomes()) {
            ObjectNode item = results.addObject();
            item.put("index", outcome.index());
            if (outcome.messageId() != null) {
                item.put("messageId", outcome.messageId());
            }
            item.put("status", outcome.isAccepted() ? "accepted" : "rejected");
            if (!outcome.isAccepted()) {
                ObjectNode error = item.putObject("error");
                error.put("code", outcome.code().wireName());
                error.put("message", outcome.reason());
                if (outcome.field() != null) {
                    error.put("field", outcome.field());
                }
            }
        }
        return root;
    }
}
