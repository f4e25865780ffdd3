package io.tally.schema;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One registered version of one event type's schema.
 *
 * @param event the track event name, or {@link #IDENTIFY} for the traits of identify calls
 * @param schema the JSON Schema (2020-12) that {@code properties} (or {@code traits}) must match
 * @param registeredAt when the registration was written to the config log
 */
public record EventSchema(String project, String event, SchemaVer version, JsonNode schema, Instant registeredAt) {
    /** The schema name under which the traits of {@code identify} calls are described. */
    public static final String IDENTIFY = "$identify";

    public EventSchema {
        requireNonNull(project, "project is null");
        requireNonNull(event, "event is null");
        requireNonNull(version, "version is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(registeredAt, "registeredAt is null");
    }

    /** {@code signup@1-0-2}: how a version is named in reasons and metrics. */
    public String label() {
        return event + "@" + version;
    }
}
