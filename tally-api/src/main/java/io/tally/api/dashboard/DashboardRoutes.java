package io.tally.api.dashboard;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tally.core.ErrorCode;
import io.tally.http.ErrorResponses;
import io.tally.http.StaticAsset;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web dashboard: {@code GET /} is its page, {@code /dashboard/FILE} its scripts and styles, and
 * {@code /dashboard/vendor/echarts.min.js} the chart library from its WebJar. Everything comes from the
 * jar; the page loads nothing from elsewhere, which its Content-Security-Policy also enforces.
 *
 * <p>The page talks to the same server's API with the read key the user signs in with; it holds no
 * secret of its own, so serving it needs no key.
 */
public final class DashboardRoutes {
    static final String ASSET_FOLDER = "io/tally/api/dashboard/";
    private static final String ECHARTS_POM = "META-INF/maven/org.webjars.npm/echarts/pom.properties";
    /** Plain names only: no folders, so a request can never reach outside the asset folder. */
    private static final Pattern ASSET_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(js|css|svg|png)");
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; connect-src 'self'; "
            // ECharts writes its tooltips as HTML with style attributes
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    /** Browsers keep every file but ask each time whether it changed (a 304 when not): an upgrade shows at once. */
    private static final String REVALIDATE = "no-cache";

    private final ClassLoader loader = DashboardRoutes.class.getClassLoader();
    private final StaticAsset page;
    private final StaticAsset echarts;
    /** Files found so far; misses are not kept, so requests for made-up names cannot grow it. */
    private final Map<String, StaticAsset> assets = new ConcurrentHashMap<>();

    /** Reads the page and the chart library now, so a jar built without them fails at start, not on first use. */
    public DashboardRoutes() {
        this.page = StaticAsset.load(loader, ASSET_FOLDER + "index.html", REVALIDATE)
                .orElseThrow(() -> new IllegalStateException("the dashboard page is missing from the class path"));
        this.echarts = StaticAsset.load(loader, "META-INF/resources/webjars/echarts/" + echartsVersion(loader) + "/dist/echarts.min.js",
                        REVALIDATE)
                .orElseThrow(() -> new IllegalStateException("the ECharts WebJar is missing from the class path"));
    }

    /** Registers the page, the chart library and the dashboard's files. */
    public void addTo(RoutesConfig routes) {
        routes.get("/", ctx -> {
            ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY).header("Referrer-Policy", "no-referrer");
            page.send(ctx);
        });
        routes.get("/dashboard/vendor/echarts.min.js", echarts::send);
        routes.get("/dashboard/{file}", this::asset);
    }

    private void asset(Context ctx) {
        String name = ctx.pathParam("file");
        Optional<StaticAsset> asset = ASSET_NAME.matcher(name).matches()
                ? Optional.ofNullable(assets.get(name)).or(() -> StaticAsset.load(loader, ASSET_FOLDER + name, REVALIDATE))
                : Optional.empty();
        asset.ifPresent(found -> assets.putIfAbsent(name, found));
        if (asset.isEmpty()) {
            ErrorResponses.send(ctx, ErrorCode.NOT_FOUND, "no dashboard file '" + name + "'", null, null);
            return;
        }
        asset.get().send(ctx);
    }

    /** The version of the ECharts WebJar on the class path: its files live under a folder named by it. */
    static String echartsVersion(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(ECHARTS_POM)) {
            if (in == null) {
                throw new IllegalStateException("the ECharts WebJar is missing from the class path (" + ECHARTS_POM + ")");
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version");
            if (version == null || !version.matches("[0-9A-Za-z.-]+")) {
                throw new IllegalStateException("the ECharts WebJar names no usable version: " + version);
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ECHARTS_POM, e);
        }
    }
}
