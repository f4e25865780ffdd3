package io.tally.core.retention;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/** The retention of every project: a default, and overrides for some projects. */
public record RetentionPolicy(Retention defaults, Map<String, Retention> byProject) {
    public RetentionPolicy {
        requireNonNull(defaults, "defaults is null");
        byProject = Map.copyOf(requireNonNull(byProject, "byProject is null"));
    }

    public static RetentionPolicy of(Retention defaults) {
        return new RetentionPolicy(defaults, Map.of());
    }

    public Retention forProject(String project) {
        return byProject.getOrDefault(project, defaults);
    }

    /**
     * Before this instant no project keeps raw events, so whole time partitions older than it can go
     * at once, for every project.
     */
    public Instant rawCutoffForAll(Instant now) {
        Instant cutoff = defaults.rawCutoff(now);
        for (Retention r : byProject.values()) {
            Instant c = r.rawCutoff(now);
            cutoff = c.isBefore(cutoff) ? c : cutoff;
        }
        return cutoff;
    }

    public Instant rollupCutoffForAll(Instant now) {
        Instant cutoff = defaults.rollupCutoff(now);
        for (Retention r : byProject.values()) {
            Instant c = r.rollupCutoff(now);
            cutoff = c.isBefore(cutoff) ? c : cutoff;
        }
        return cutoff;
    }
}
