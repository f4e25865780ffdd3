package io.tally.loader;

import static java.util.Objects.requireNonNull;

import io.tally.core.retention.Retention;
import io.tally.core.retention.RetentionPolicy;
import io.tally.core.spi.ConfigLog;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention policy every loader enforces, kept on the config log so that all loaders agree.
 *
 * <p>Each loader runs retention (see {@link RetentionJob}). With the policy taken from each process's
 * own options, a loader started without {@code --project-retention shop=P10Y} would delete the shop's
 * months that another loader keeps. So a loader given retention options publishes them here (the
 * latest publication wins), and every loader enforces the latest published policy; its own options
 * count only while nothing was ever published.
 *
 * <p>The record's value is one line per retention, tab-separated: the project (empty for the
 * default) and {@code RAW/ROLLUPS} as on the command line.
 */
public final class SharedRetentionPolicy implements AutoCloseable {
    static final String KEY = "retention.policy";
    private static final Logger LOG = LoggerFactory.getLogger(SharedRetentionPolicy.class);

    private final ConfigLog log;
    private volatile RetentionPolicy latest;

    /** Opens the log: returns once every record already in it is applied. */
    public SharedRetentionPolicy(ConfigLog log) {
        this.log = requireNonNull(log, "log is null");
        log.open(this::apply);
    }

    /** The latest published policy; empty when none was ever published. */
    public Optional<RetentionPolicy> latest() {
        return Optional.ofNullable(latest);
    }

    /** Publishes {@code policy} unless it is the latest already; returns once this process applied it. */
    public void publish(RetentionPolicy policy, Duration timeout) {
        requireNonNull(policy, "policy is null");
        if (!policy.equals(latest)) {
            log.append(KEY, text(policy), timeout);
        }
    }

    private void apply(ConfigLog.ConfigRecord record) {
        if (!record.key().equals(KEY)) {
            return;
        }
        try {
            RetentionPolicy policy = parse(record.value());
            if (latest != null && !policy.equals(latest)) {
                LOG.info("retention policy changed at config position {}: {}", record.position(), record.value().replace('\n', ' '));
            }
            latest = policy;
        } catch (IllegalArgumentException e) {
            // a record this version cannot read keeps the policy before it, which is the safer side
            LOG.error("retention policy at config position {} could not be read, keeping the one before: {}", record.position(), e.getMessage());
        }
    }

    static String text(RetentionPolicy policy) {
        for (String project : policy.byProject().keySet()) {
            if (project.isEmpty() || project.contains("\t") || project.contains("\n")) {
                throw new IllegalArgumentException("a project with a retention of its own needs a name without tabs or line breaks, was '"
                        + project + "'");
            }
        }
        StringBuilder text = new StringBuilder("\t").append(retention(policy.defaults()));
        new TreeMap<>(policy.byProject()).forEach((project, r) -> text.append('\n').append(project).append('\t').append(retention(r)));
        return text.toString();
    }

    static RetentionPolicy parse(String text) {
        Retention defaults = null;
        Map<String, Retention> byProject = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new IllegalArgumentException("a retention line needs PROJECT<tab>RAW/ROLLUPS, was '" + line + "'");
            }
            Retention retention = Retention.parse(line.substring(tab + 1));
            if (tab == 0) {
                defaults = retention;
            } else {
                byProject.put(line.substring(0, tab), retention);
            }
        }
        if (defaults == null) {
            throw new IllegalArgumentException("the retention policy has no default line");
        }
        return new RetentionPolicy(defaults, byProject);
    }

    private static String retention(Retention r) {
        return r.raw() + "/" + r.rollups();
    }

    @Override
    public void close() {
        log.close();
    }
}
