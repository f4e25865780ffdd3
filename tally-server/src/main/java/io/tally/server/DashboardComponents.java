package io.tally.server;

import io.javalin.config.RoutesConfig;
import io.tally.api.dashboard.DashboardRoutes;
import io.tally.api.live.IngestionCounters;
import io.tally.api.live.LiveRoutes;
import io.tally.api.saved.SavedLibrary;
import io.tally.api.saved.SavedRoutes;
import io.tally.api.saved.StoreLibraryRepository;
import io.tally.core.project.ProjectDirectory;
import io.tally.core.spi.SavedDocuments;
import io.tally.query.QueryParser;
import io.tally.query.QueryService;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Wires the web dashboard of the query role: its page and assets, saved insights and dashboards, and
 * the live view's endpoints. Kept apart from {@link TallyServer} so the composition root only decides
 * whether it runs.
 */
final class DashboardComponents {
    private DashboardComponents() {
    }

    /**
     * The routes to add to the HTTP server. Saved insights and dashboards are documents in the store, so
     * the query servers of a cluster share them.
     */
    static Consumer<RoutesConfig> routes(QueryService queries, ProjectDirectory projects, IngestionCounters counters,
                                         SavedDocuments documents, Clock clock) {
        DashboardRoutes page = new DashboardRoutes();
        SavedRoutes saved = new SavedRoutes(new SavedLibrary(new StoreLibraryRepository(documents), clock),
                new QueryParser(clock), projects);
        LiveRoutes live = new LiveRoutes(queries, counters, projects, clock);
        return routes -> {
            page.addTo(routes);
            saved.addTo(routes);
            live.addTo(routes);
        };
    }
}
