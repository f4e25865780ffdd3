package io.tally.schema;

import static java.util.Objects.requireNonNull;

import com.networknt.schema.Schema;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One project's tracking plan at one moment: its validation settings and every registered version of
 * every event schema, compiled. Immutable; a change builds a new plan, so validation never locks.
 */
public final class ProjectPlan {
    private final String project;
    private final ValidationSettings settings;
    private final Map<String, NavigableMap<SchemaVer, Compiled>> events;

    ProjectPlan(String project, ValidationSettings settings, Map<String, NavigableMap<SchemaVer, Compiled>> events) {
        this.project = requireNonNull(project, "project is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.events = requireNonNull(events, "events is null");
    }

    static ProjectPlan empty(String project) {
        return new ProjectPlan(project, ValidationSettings.OFF, Map.of());
    }

    public String project() {
        return project;
    }

    public ValidationSettings settings() {
        return settings;
    }

    /** Event names with at least one schema, sorted. */
    public NavigableMap<String, NavigableMap<SchemaVer, EventSchema>> schemas() {
        NavigableMap<String, NavigableMap<SchemaVer, EventSchema>> out = new TreeMap<>();
        events.forEach((event, versions) -> {
            NavigableMap<SchemaVer, EventSchema> plain = new TreeMap<>();
            versions.forEach((v, c) -> plain.put(v, c.schema()));
            out.put(event, Collections.unmodifiableNavigableMap(plain));
        });
        return Collections.unmodifiableNavigableMap(out);
    }

    /** The newest version of an event's schema, which is what new events are checked against. */
    public Optional<EventSchema> latest(String event) {
        return latestCompiled(event).map(Compiled::schema);
    }

    public Optional<EventSchema> version(String event, SchemaVer version) {
        NavigableMap<SchemaVer, Compiled> versions = events.get(event);
        return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(version)).map(Compiled::schema);
    }

    Optional<Compiled> latestCompiled(String event) {
        NavigableMap<SchemaVer, Compiled> versions = events.get(event);
        return versions == null || versions.isEmpty() ? Optional.empty() : Optional.of(versions.lastEntry().getValue());
    }

    ProjectPlan withSettings(ValidationSettings newSettings) {
        return new ProjectPlan(project, newSettings, events);
    }

    ProjectPlan with(Compiled compiled) {
        Map<String, NavigableMap<SchemaVer, Compiled>> copy = new TreeMap<>(events);
        NavigableMap<SchemaVer, Compiled> versions = new TreeMap<>(events.getOrDefault(compiled.schema().event(), new TreeMap<>()));
        versions.put(compiled.schema().version(), compiled);
        copy.put(compiled.schema().event(), versions);
        return new ProjectPlan(project, settings, copy);
    }

    /** A registered schema with the validator compiled from it. */
    record Compiled(EventSchema schema, Schema validator) {
    }
}
