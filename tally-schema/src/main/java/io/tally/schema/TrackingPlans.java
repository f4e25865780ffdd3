package io.tally.schema;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.EventType;
import io.tally.core.spi.ConfigLog;
import io.tally.core.spi.ConfigLog.ConfigRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every project's tracking plan, kept as a fold over the {@link ConfigLog}: a registration is appended
 * to the log as a proposal, and each process decides, while applying the log in order, whether the
 * proposal is a valid next version. All processes decide the same way, so two registrations racing
 * from two collectors end the same everywhere: the first valid one wins, the other is refused.
 *
 * <p>{@link #check} is the collector's hot path: it reads an immutable {@link ProjectPlan} from a map
 * and runs a validator compiled when the schema was applied.
 */
public final class TrackingPlans implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrackingPlans.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA_PREFIX = "schema/";
    private static final String VALIDATION_PREFIX = "validation/";
    private static final int REMEMBERED_OUTCOMES = 1024;

    private final ConfigLog configLog;
    private final Clock clock;
    private final Duration writeTimeout;
    private final SchemaDocuments documents = new SchemaDocuments();
    private final Map<String, ProjectPlan> plans = new ConcurrentHashMap<>();
    /** What applying a record decided, by log position, until the process that appended it asks. */
    private final Map<Long, RegistrationOutcome> outcomes = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, RegistrationOutcome> eldest) {
                    return size() > REMEMBERED_OUTCOMES;
                }
            });

    public TrackingPlans(ConfigLog configLog, Clock clock, Duration writeTimeout) {
        this.configLog = requireNonNull(configLog, "configLog is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.writeTimeout = requireNonNull(writeTimeout, "writeTimeout is null");
        configLog.open(this::apply);
    }

    /** The project's plan; an empty one (validation off) for a project that never had one. */
    public ProjectPlan plan(String project) {
        return plans.getOrDefault(project, ProjectPlan.empty(project));
    }

    /**
     * Registers a schema version. Returns when this process has applied it.
     *
     * @throws TallyException {@code INVALID_SCHEMA} for a document Tally cannot apply;
     *     {@code SCHEMA_CONFLICT} when the version is not the next one, differs from the same version
     *     already registered, or breaks earlier events without a MODEL step
     */
    public RegistrationOutcome register(String project, String event, SchemaVer version, JsonNode schema) {
        requireNonNull(project, "project is null");
        requireEventName(event);
        requireNonNull(version, "version is null");
        documents.check(schema);
        // refuse early what will surely be refused, and answer a repeat (every start with --schemas-dir
        // repeats the whole plan) without writing a proposal to the log
        Optional<EventSchema> unchanged = decide(plan(project), project, event, version, schema);
        if (unchanged.isPresent()) {
            return new RegistrationOutcome(unchanged.get(), false, null);
        }
        ObjectNode record = JSON.createObjectNode()
                .put("project", project).put("event", event).put("version", version.toString())
                .put("registeredAt", clock.instant().toString());
        record.set("schema", schema);
        long position = configLog.append(SCHEMA_PREFIX + project + "/" + event + "/" + version, record.toString(), writeTimeout);
        RegistrationOutcome outcome = outcomes.remove(position);
        if (outcome == null) {
            throw new TallyException(ErrorCode.INTERNAL, "the registration at position " + position + " was applied but left no outcome");
        }
        if (outcome.refusal() != null) {
            throw outcome.refusal();
        }
        return outcome;
    }

    /** Sets how strictly a project's plan is applied. */
    public void configure(String project, ValidationSettings settings) {
        requireNonNull(project, "project is null");
        requireNonNull(settings, "settings is null");
        ObjectNode record = JSON.createObjectNode().put("project", project).put("mode", settings.mode().wireName())
                .put("unknownEvents", settings.rejectUnknownEvents() ? "reject" : "allow")
                .put("changedAt", clock.instant().toString());
        configLog.append(VALIDATION_PREFIX + project, record.toString(), writeTimeout);
    }

    /**
     * Checks one event against its project's plan: the properties of a track against the newest schema
     * of its event name, the traits of an identify against {@link EventSchema#IDENTIFY}. Other types
     * pass unchecked.
     *
     * @param payload the {@code properties} (track) or {@code traits} (identify) object as JSON text, or
     *     null for none; parsed only when a schema applies, so projects without a plan pay nothing
     */
    public Verdict check(String project, EventType type, String event, String payload) {
        ProjectPlan plan = plans.get(project);
        if (plan == null || plan.settings().mode() == ValidationMode.OFF) {
            return Verdict.UNCHECKED;
        }
        String schemaName = switch (type) {
            case TRACK -> event;
            case IDENTIFY -> EventSchema.IDENTIFY;
            default -> null;
        };
        if (schemaName == null) {
            return Verdict.UNCHECKED;
        }
        ValidationMode mode = plan.settings().mode();
        Optional<ProjectPlan.Compiled> latest = plan.latestCompiled(schemaName);
        if (latest.isEmpty()) {
            return plan.settings().rejectUnknownEvents()
                    ? new Verdict(Verdict.Outcome.UNKNOWN_EVENT, mode, null,
                            List.of("'" + schemaName + "' is not in the tracking plan of project " + project))
                    : Verdict.UNCHECKED;
        }
        JsonNode instance;
        try {
            instance = payload == null ? JSON.createObjectNode() : JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            // the collector checked the text already; this is a bug, not the client's fault
            throw new IllegalStateException("the checked payload is not JSON", e);
        }
        List<String> violations = SchemaDocuments.violations(latest.get().validator(), instance);
        return new Verdict(violations.isEmpty() ? Verdict.Outcome.VALID : Verdict.Outcome.INVALID, mode,
                latest.get().schema().label(), violations);
    }

    /** Applies one log record; runs on the log's single applying thread, in log order. */
    private void apply(ConfigRecord record) {
        if (!record.key().startsWith(SCHEMA_PREFIX) && !record.key().startsWith(VALIDATION_PREFIX)) {
            // the log carries other settings too (the retention policy), which are not plans
            return;
        }
        try {
            JsonNode value = JSON.readTree(record.value());
            if (record.key().startsWith(SCHEMA_PREFIX)) {
                applySchema(record.position(), value);
            } else if (record.key().startsWith(VALIDATION_PREFIX)) {
                String project = value.path("project").asText();
                ValidationSettings settings = new ValidationSettings(ValidationMode.parse(value.path("mode").asText()),
                        "reject".equals(value.path("unknownEvents").asText()));
                plans.put(project, plan(project).withSettings(settings));
            }
        } catch (JsonProcessingException | RuntimeException e) {
            // a record this version cannot read must not stop the others from applying
            log.error("config record {} at {} could not be applied: {}", record.key(), record.position(), e.getMessage());
            outcomes.put(record.position(), RegistrationOutcome.refused(
                    new TallyException(ErrorCode.INVALID_SCHEMA, "the registration could not be applied: " + e.getMessage())));
        }
    }

    private void applySchema(long position, JsonNode value) {
        String project = value.path("project").asText();
        String event = value.path("event").asText();
        SchemaVer version = SchemaVer.parse(value.path("version").asText());
        JsonNode schema = value.get("schema");
        ProjectPlan plan = plan(project);
        try {
            documents.check(schema);
            Optional<EventSchema> unchanged = decide(plan, project, event, version, schema);
            if (unchanged.isPresent()) {
                outcomes.put(position, new RegistrationOutcome(unchanged.get(), false, null));
                return;
            }
            EventSchema registered = new EventSchema(project, event, version, schema,
                    Instant.parse(value.path("registeredAt").asText()));
            plans.put(project, plan.with(new ProjectPlan.Compiled(registered, documents.compile(schema))));
            outcomes.put(position, new RegistrationOutcome(registered, true, null));
        } catch (TallyException refusal) {
            outcomes.put(position, RegistrationOutcome.refused(refusal));
        }
    }

    /**
     * The registration rules. Returns the stored schema when the same version with the same document is
     * registered again (a harmless repeat), empty when the registration is new and allowed.
     */
    private static Optional<EventSchema> decide(ProjectPlan plan, String project, String event, SchemaVer version, JsonNode schema) {
        Optional<EventSchema> same = plan.version(event, version);
        if (same.isPresent()) {
            if (same.get().schema().equals(schema)) {
                return same;
            }
            throw new TallyException(ErrorCode.SCHEMA_CONFLICT, event + " " + version + " is already registered in project "
                    + project + " with a different schema; versions cannot change, register the next one instead");
        }
        Optional<EventSchema> latest = plan.latest(event);
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        SchemaVer previous = latest.get().version();
        SchemaVer.Step step = version.stepFrom(previous);
        if (step == null) {
            throw new TallyException(ErrorCode.SCHEMA_CONFLICT, event + " is at " + previous + "; the next version is "
                    + previous.nextChoices() + ", not " + version);
        }
        if (step != SchemaVer.Step.MODEL) {
            List<String> breaking = Compatibility.breakingChanges(latest.get().schema(), schema);
            if (!breaking.isEmpty()) {
                throw new TallyException(ErrorCode.SCHEMA_CONFLICT, "a " + step.name().toLowerCase(java.util.Locale.ROOT)
                        + " step must keep every event valid under " + previous + ", but " + String.join("; ", breaking)
                        + ". Register " + new SchemaVer(previous.model() + 1, 0, 0) + " if the change is meant to break");
            }
        }
        return Optional.empty();
    }

    private static void requireEventName(String event) {
        if (event == null || event.isBlank() || event.length() > 200 || event.chars().anyMatch(Character::isISOControl)) {
            throw new TallyException(ErrorCode.INVALID_REQUEST, "an event name is 1 to 200 printable characters", "event", null);
        }
    }

    @Override
    public void close() {
        configLog.close();
    }

    /**
     * What a registration did.
     *
     * @param created false when the same version with the same schema was already registered
     */
    public record RegistrationOutcome(EventSchema schema, boolean created, TallyException refusal) {
        static RegistrationOutcome refused(TallyException refusal) {
            return new RegistrationOutcome(null, false, refusal);
        }
    }
}
