package io.tally.api.saved;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything saved for one project: its insights and dashboards, in the order they were first saved.
 * Immutable; every change returns a new library, which a {@link LibraryRepository} stores whole.
 */
public record ProjectLibrary(List<Insight> insights, List<Dashboard> dashboards) {
    public static final ProjectLibrary EMPTY = new ProjectLibrary(List.of(), List.of());

    public ProjectLibrary {
        insights = List.copyOf(requireNonNull(insights, "insights is null"));
        dashboards = List.copyOf(requireNonNull(dashboards, "dashboards is null"));
    }

    /** The insight with this id, if saved. */
    public Optional<Insight> insight(String id) {
        return insights.stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /** The dashboard with this id, if saved. */
    public Optional<Dashboard> dashboard(String id) {
        return dashboards.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** Replaces the insight with the same id in place, or appends it. */
    public ProjectLibrary withInsight(Insight insight) {
        return new ProjectLibrary(replaced(insights, insight, insight.id(), Insight::id), dashboards);
    }

    /** Drops the insight and every dashboard's reference to it, so no dashboard points at nothing. */
    public ProjectLibrary withoutInsight(String id) {
        List<Dashboard> updated = new ArrayList<>();
        for (Dashboard d : dashboards) {
            if (d.insightIds().contains(id)) {
                List<String> kept = new ArrayList<>(d.insightIds());
                kept.removeIf(id::equals);
                updated.add(new Dashboard(d.id(), d.name(), kept, d.updatedAt()));
            } else {
                updated.add(d);
            }
        }
        return new ProjectLibrary(insights.stream().filter(i -> !i.id().equals(id)).toList(), updated);
    }

    /** Replaces the dashboard with the same id in place, or appends it. */
    public ProjectLibrary withDashboard(Dashboard dashboard) {
        return new ProjectLibrary(insights, replaced(dashboards, dashboard, dashboard.id(), Dashboard::id));
    }

    /** Drops the dashboard; the insights it showed stay. */
    public ProjectLibrary withoutDashboard(String id) {
        return new ProjectLibrary(insights, dashboards.stream().filter(d -> !d.id().equals(id)).toList());
    }

    private static <T> List<T> replaced(List<T> items, T item, String id, java.util.function.Function<T, String> idOf) {
        List<T> result = new ArrayList<>(items);
        for (int i = 0; i < result.size(); i++) {
            if (idOf.apply(result.get(i)).equals(id)) {
                result.set(i, item);
                return result;
            }
        }
        result.add(item);
        return result;
    }
}
