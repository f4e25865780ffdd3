package io.tally.api.saved;

import static java.util.Objects.requireNonNull;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Saves, lists and deletes a project's insights and dashboards over a {@link LibraryRepository},
 * keeping the library consistent: bounded in size, and no dashboard names an insight that does not
 * exist. Changes to one project are serialized, so two requests never lose each other's save.
 */
public final class SavedLibrary {
    static final int MAX_INSIGHTS = 500;
    static final int MAX_DASHBOARDS = 100;
    static final int MAX_INSIGHTS_PER_DASHBOARD = 50;

    private final LibraryRepository repository;
    private final Clock clock;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** @param clock stamps {@code updatedAt} */
    public SavedLibrary(LibraryRepository repository, Clock clock) {
        this.repository = requireNonNull(repository, "repository is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Everything saved for the project. */
    public ProjectLibrary library(String project) {
        synchronized (lock(project)) {
            return repository.load(project);
        }
    }

    /** One insight; {@code NOT_FOUND} when the project has none with that id. */
    public Insight insight(String project, String id) {
        return library(project).insight(id).orElseThrow(() -> notFound("insight", id));
    }

    /** One dashboard; {@code NOT_FOUND} when the project has none with that id. */
    public Dashboard dashboard(String project, String id) {
        return library(project).dashboard(id).orElseThrow(() -> notFound("dashboard", id));
    }

    /**
     * Creates ({@code id} null: a new id) or replaces an insight.
     *
     * @param query a query already validated by the caller, as compact JSON object text
     */
    public Insight saveInsight(String project, String id, String name, String query, String chart) {
        Insight insight = new Insight(id == null ? SavedIds.next("i") : id, name, query, chart, clock.instant());
        change(project, library -> {
            if (library.insight(insight.id()).isEmpty() && library.insights().size() >= MAX_INSIGHTS) {
                throw new TallyException(ErrorCode.INVALID_REQUEST, "a project keeps at most " + MAX_INSIGHTS + " insights; delete some first");
            }
            return library.withInsight(insight);
        });
        return insight;
    }

    /** Deletes the insight and takes it off every dashboard. */
    public void deleteInsight(String project, String id) {
        change(project, library -> {
            library.insight(id).orElseThrow(() -> notFound("insight", id));
            return library.withoutInsight(id);
        });
    }

    /** Creates ({@code id} null) or replaces a dashboard; every insight it names must exist, each once. */
    public Dashboard saveDashboard(String project, String id, String name, List<String> insightIds) {
        if (insightIds.size() > MAX_INSIGHTS_PER_DASHBOARD) {
            throw TallyException.forField(ErrorCode.INVALID_REQUEST, "insights",
                    "a dashboard shows at most " + MAX_INSIGHTS_PER_DASHBOARD + " insights");
        }
        if (new LinkedHashSet<>(insightIds).size() != insightIds.size()) {
            throw TallyException.forField(ErrorCode.INVALID_REQUEST, "insights", "an insight can be on a dashboard once");
        }
        Dashboard dashboard = new Dashboard(id == null ? SavedIds.next("d") : id, name, insightIds, clock.instant());
        change(project, library -> {
            for (int i = 0; i < insightIds.size(); i++) {
                if (library.insight(insightIds.get(i)).isEmpty()) {
                    throw TallyException.forField(ErrorCode.INVALID_REQUEST, "insights[" + i + "]",
                            "no insight '" + insightIds.get(i) + "' in this project");
                }
            }
            if (library.dashboard(dashboard.id()).isEmpty() && library.dashboards().size() >= MAX_DASHBOARDS) {
                throw new TallyException(ErrorCode.INVALID_REQUEST, "a project keeps at most " + MAX_DASHBOARDS + " dashboards; delete some first");
            }
            return library.withDashboard(dashboard);
        });
        return dashboard;
    }

    /** Deletes the dashboard; its insights stay saved. */
    public void deleteDashboard(String project, String id) {
        change(project, library -> {
            library.dashboard(id).orElseThrow(() -> notFound("dashboard", id));
            return library.withoutDashboard(id);
        });
    }

    private void change(String project, UnaryOperator<ProjectLibrary> change) {
        synchronized (lock(project)) {
            ProjectLibrary before = repository.load(project);
            ProjectLibrary after = change.apply(before);
            if (!after.equals(before)) {
                repository.save(project, after);
            }
        }
    }

    private Object lock(String project) {
        return locks.computeIfAbsent(project, p -> new Object());
    }

    private static TallyException notFound(String what, String id) {
        return new TallyException(ErrorCode.NOT_FOUND, "no " + what + " '" + id + "' in this project");
    }
}
