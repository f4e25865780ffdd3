package io.tally.collector.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tally.core.event.EventType;
import io.tally.http.StaticAsset;
import java.util.ArrayList;
import java.util.List;

/**
 * What browsers need from the collector: the {@code tally.js} snippet at {@code /tally.js}, and CORS on
 * the ingestion endpoints so that pages of any origin may send events.
 *
 * <p>Any origin is allowed: a write key is public by nature (it ships in every page that sends events),
 * and requests carry no cookies, so allowing every origin grants nothing a script tag could not do.
 * {@code Retry-After} is exposed so the snippet can honour it on a 503.
 */
public final class BrowserRoutes {
    static final String SCRIPT_RESOURCE = "io/tally/collector/tally.js";
    /** Browsers may keep the snippet an hour, then revalidate it by its ETag. */
    private static final String SCRIPT_CACHE = "public, max-age=3600";

    private final StaticAsset script;

    /** Reads the snippet now, so a jar built without it fails at start. */
    public BrowserRoutes() {
        this.script = StaticAsset.load(BrowserRoutes.class.getClassLoader(), SCRIPT_RESOURCE, SCRIPT_CACHE)
                .orElseThrow(() -> new IllegalStateException(SCRIPT_RESOURCE + " is missing from the class path"));
    }

    /** Registers {@code /tally.js} and the CORS answers of the ingestion endpoints. */
    public void addTo(RoutesConfig routes) {
        routes.get("/tally.js", ctx -> {
            // a page that isolates itself (COEP) may still load the snippet from the collector's origin
            ctx.header("Cross-Origin-Resource-Policy", "cross-origin");
            script.send(ctx);
        });
        for (String path : ingestionPaths()) {
            routes.before(path, BrowserRoutes::allowAnyOrigin);
            routes.options(path, BrowserRoutes::preflight);
        }
    }

    /** The paths {@link CollectorRoutes} serves. */
    static List<String> ingestionPaths() {
        List<String> paths = new ArrayList<>();
        for (EventType type : EventType.values()) {
            paths.add("/v1/" + type.wireName());
        }
        paths.add("/v1/batch");
        paths.add("/v1/import");
        return paths;
    }

    private static void allowAnyOrigin(Context ctx) {
        ctx.header("Access-Control-Allow-Origin", "*");
        ctx.header("Access-Control-Expose-Headers", "Retry-After");
    }

    /** Answers the browser's question before a POST with an Authorization header or a JSON content type. */
    private static void preflight(Context ctx) {
        ctx.header("Access-Control-Allow-Methods", "POST, OPTIONS");
        ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type, Content-Encoding");
        ctx.header("Access-Control-Max-Age", "86400");
        ctx.status(204);
    }
}
