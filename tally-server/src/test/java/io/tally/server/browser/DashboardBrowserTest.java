package io.tally.server.browser;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.server.ServerSettings;
import io.tally.server.TallyServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium against a whole embedded server: a shop page on another origin
 * loads {@code /tally.js} from the collector, clicks send events, and the live view, the trend and the
 * funnel show them within seconds. Then every page is photographed at desktop and phone width, as test
 * artifacts under {@code target/screenshots} (and for the README with {@code -Dtally.screenshots=DIR}).
 */
class DashboardBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Duration SECONDS = Duration.ofSeconds(20);
    private static final String WRITE_KEY = "wk_e2e";
    private static final String READ_KEY = "rk_e2e";

    @TempDir
    static Path dataDir;
    private static TallyServer server;
    private static FakeCollector shop;
    private static TestingChromium chromium;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        server = TallyServer.start(ServerSettings.defaults(dataDir).withPort(0).withHost("127.0.0.1").withKeys(WRITE_KEY, READ_KEY));
        // the shop is a site of its own origin: the snippet's requests to the collector cross origins, as in production
        shop = new FakeCollector();
        List<String> batches = DemoEvents.batches(DemoEvents.generate(Instant.now(), 7), 300);
        long sent = 0;
        for (String body : batches) {
            HttpResponse<String> response = post("/v1/batch", body, "Basic " + Base64.getEncoder().encodeToString((WRITE_KEY + ":").getBytes(UTF_8)));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            sent += JSON.readTree(response.body()).path("accepted").asLong();
        }
        long expected = sent;
        await().atMost(Duration.ofSeconds(60)).until(() -> ingestion().path("loader").path("stored").asLong() >= expected);
        chromium = TestingChromium.start();
        browser = chromium.driver();
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (shop != null) {
            shop.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void desktop() {
        chromium.desktop();
    }

    @Test
    void clicksOnAPageShowUpInTheLiveViewTrendAndFunnelWithinSeconds() {
        browser.get(shop.page("/shop.html", shopPage()));
        // three visitors: one buys, one starts a trial, one only looks
        click("pricing", "trial", "buy", "next-visitor", "pricing", "trial", "next-visitor", "pricing");

        // a wrong key is refused on the spot, with a message
        browser.get(server.url() + "/");
        wait(SECONDS).until(d -> !d.findElements(By.cssSelector("input[name='readKey']")).isEmpty());
        browser.findElement(By.cssSelector("input[name='readKey']")).sendKeys("not-the-key", Keys.ENTER);
        wait(SECONDS).until(d -> text("p.error").contains("does not open this project"));
        browser.findElement(By.cssSelector("input[name='readKey']")).clear();
        signIn();

        openNav("live");
        wait(SECONDS).until(d -> !d.findElements(By.cssSelector("#live-events tr[data-event='Demo purchased']")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("#live-events tr[data-event='Demo viewed pricing']"))).hasSize(3);
        assertThat(text("[data-stat='events-per-second'] .value")).isNotEmpty();
        chromium.screenshot("e2e-live", null);

        // a trend built with the form, as a person would
        openNav("insight");
        WebElement event = browser.findElement(By.cssSelector("input[data-focus='series-0']"));
        event.sendKeys("Demo viewed pricing", Keys.TAB);
        wait(SECONDS).until(d -> "3".equals(attribute(".totals strong", "data-total")));
        browser.findElement(By.xpath("//fieldset[legend='Chart']//label[span='Bar']")).click();
        wait(SECONDS).until(d -> "bar".equals(((JavascriptExecutor) d).executeScript(
                "const c = document.querySelector('.chart'); return c && c.chart && c.chart.getOption().series[0].type")));
        assertThat(cell("tfoot td:nth-child(2)")).isEqualTo("3");
        // split by a property, and set beside the period before
        browser.findElement(By.cssSelector("input[placeholder^='e.g. plan']")).sendKeys("plan", Keys.TAB);
        wait(SECONDS).until(d -> text(".totals li .name").endsWith("· pro"));
        browser.findElement(By.xpath("//label[contains(., 'Compare to the previous period')]")).click();
        wait(SECONDS).until(d -> cell("details.data thead").contains("(previous period)"));
        assertThat(attribute(".totals strong", "data-total")).isEqualTo("3");
        chromium.screenshot("e2e-trend", null);

        String link = browser.getCurrentUrl();
        assertThat(link).contains("#/insight?q=").contains("chart=bar");

        // the kind of insight is a radio group: arrow keys move through it, as in any form
        browser.findElement(By.cssSelector(".kind-picker input[value='trends']")).sendKeys(Keys.ARROW_RIGHT);
        wait(SECONDS).until(d -> !d.findElements(By.cssSelector("input[data-focus='step-1']")).isEmpty());
        assertThat(browser.getCurrentUrl()).contains("funnel");

        // the address holds the question: opening it again draws the same chart
        browser.get(server.url() + "/#/live");
        browser.get(link);
        wait(SECONDS).until(d -> "3".equals(attribute(".totals strong", "data-total")));

        // a funnel from a link
        browser.get(server.url() + "/#/insight?q=" + URLEncoder.encode("""
                {"kind":"funnel","steps":["Demo viewed pricing","Demo started trial","Demo purchased"],"window":"P1D","dateFrom":"-1d"}""", UTF_8));
        wait(SECONDS).until(d -> d.findElements(By.cssSelector("td[data-count]")).size() == 3);
        assertThat(browser.findElements(By.cssSelector("td[data-count]"))).extracting(e -> e.getAttribute("data-count"))
                .containsExactly("3", "2", "1");
        assertThat(text(".headline strong")).isEqualTo("33%");
        chromium.screenshot("e2e-funnel", null);

        // saved, and put on a dashboard
        browser.findElement(By.cssSelector("input[aria-label='Insight name']")).sendKeys("Demo funnel");
        button("Save insight").click();
        wait(SECONDS).until(d -> text("#toast").contains("Saved"));
        openNav("dashboards");
        browser.findElement(By.cssSelector("form[aria-label='New dashboard'] input")).sendKeys("Demo board");
        button("Create dashboard").click();
        wait(SECONDS).until(d -> d.findElements(By.cssSelector("#insight-picker option")).stream().anyMatch(o -> o.getText().equals("Demo funnel")));
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("insight-picker"))).selectByVisibleText("Demo funnel");
        button("Add to dashboard").click();
        wait(SECONDS).until(d -> !d.findElements(By.cssSelector("article.tile .chart")).isEmpty());
        assertThat(browser.findElement(By.cssSelector("article.tile .chart")).getAttribute("aria-label"))
                .contains("Step 1, Demo viewed pricing: 3 people").contains("Step 3, Demo purchased: 1 people");
        chromium.screenshot("e2e-dashboard", null);
    }

    @Test
    void everyPageAtDesktopAndPhoneWidth() throws Exception {
        String trend = save("Sign-ups and purchases", """
                {"kind":"trends","series":[{"event":"Signed up","math":"total"},{"event":"Purchased","math":"total"}],
                 "interval":"day","dateFrom":"-30d"}""", "line");
        String bySource = save("Sign-ups by source", """
                {"kind":"trends","series":[{"event":"Signed up","math":"total"}],"interval":"week","dateFrom":"-6w",
                 "breakdown":{"property":"source","limit":5}}""", "bar");
        String funnel = save("Pricing to purchase", """
                {"kind":"funnel","steps":["Viewed pricing","Signed up","Purchased"],"window":"P7D","dateFrom":"-30d"}""", null);
        String retention = save("Weekly retention", """
                {"kind":"retention","startEvent":{"event":"Signed up"},"returnEvent":{"event":"Logged in"},"period":"week",
                 "periods":6,"dateFrom":"-6w"}""", null);
        JsonNode board = JSON.readTree(request("POST", "/v1/projects/default/dashboards",
                "{\"name\":\"Growth\",\"insights\":[\"" + trend + "\",\"" + funnel + "\",\"" + bySource + "\",\"" + retention + "\"]}").body());

        Path docs = TestingChromium.documentationFolder();
        for (String size : new String[] {"desktop", "phone"}) {
            if (size.equals("phone")) {
                chromium.phone();
            } else {
                chromium.desktop();
            }
            browser.get(server.url() + "/");
            browser.executeScript("sessionStorage.clear(); localStorage.clear();");
            browser.get(server.url() + "/#/signin");
            wait(SECONDS).until(d -> !d.findElements(By.cssSelector("form input[type='password']")).isEmpty());
            chromium.screenshot("signin-" + size, docs);
            signIn();

            openInsight(trend);
            wait(SECONDS).until(d -> d.findElements(By.cssSelector(".totals strong")).size() == 2);
            showResult(size);
            chromium.screenshot("trend-" + size, docs);

            openInsight(funnel);
            wait(SECONDS).until(d -> d.findElements(By.cssSelector("td[data-count]")).size() == 3);
            showResult(size);
            chromium.screenshot("funnel-" + size, docs);

            openInsight(retention);
            wait(SECONDS).until(d -> !d.findElements(By.cssSelector(".retention td.cell")).isEmpty());
            showResult(size);
            chromium.screenshot("retention-" + size, docs);

            browser.get(server.url() + "/#/dashboards/" + board.path("id").asText());
            wait(SECONDS).until(d -> d.findElements(By.cssSelector("article.tile canvas")).size() >= 3);
            settle();
            chromium.screenshot("dashboard-" + size, docs);

            openNav("live");
            wait(SECONDS).until(d -> !d.findElements(By.cssSelector("#live-events tbody tr")).isEmpty()
                    && !d.findElements(By.cssSelector("[data-stat='lag']")).isEmpty());
            // a trickle of visitors while the page polls, so the panel shows traffic as it would in use
            trickle(size);
            chromium.screenshot("live-" + size, docs);
        }
    }

    // ---- the dashboard, as a person uses it ----

    private void signIn() {
        if (!browser.getCurrentUrl().startsWith(server.url())) {
            browser.get(server.url() + "/");
        }
        wait(SECONDS).until(d -> !d.findElements(By.cssSelector("form input[type='password'], #topbar:not([hidden])")).isEmpty());
        if (browser.findElements(By.cssSelector("form input[type='password']")).isEmpty()) {
            return;
        }
        WebElement project = browser.findElement(By.cssSelector("input[name='project']"));
        project.clear();
        project.sendKeys("default");
        browser.findElement(By.cssSelector("input[name='readKey']")).sendKeys(READ_KEY);
        button("Sign in").click();
        wait(SECONDS).until(d -> d.findElement(By.id("topbar")).isDisplayed());
    }

    private void openNav(String page) {
        browser.findElement(By.cssSelector("a[data-nav='" + page + "']")).click();
        wait(SECONDS).until(d -> "page".equals(d.findElement(By.cssSelector("a[data-nav='" + page + "']")).getAttribute("aria-current")));
    }

    private void openInsight(String id) {
        browser.get(server.url() + "/#/insights");
        wait(SECONDS).until(d -> !d.findElements(By.cssSelector("a[href*='id=" + id + "']")).isEmpty());
        browser.findElement(By.cssSelector("a[href*='id=" + id + "']")).click();
    }

    private void click(String... buttons) {
        for (String id : buttons) {
            browser.findElement(By.id(id)).click();
        }
    }

    private WebElement button(String label) {
        return browser.findElement(By.xpath("//button[normalize-space()='" + label + "']"));
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText().trim();
    }

    /** A cell's text even inside a closed details element, where getText() sees nothing. */
    private String cell(String css) {
        return browser.findElement(By.cssSelector(css)).getAttribute("textContent").trim();
    }

    private String attribute(String css, String name) {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return found.isEmpty() ? null : found.get(0).getAttribute(name);
    }

    /** A wait that, when it times out, leaves a screenshot of what the page showed instead. */
    private static WebDriverWait wait(Duration timeout) {
        return new WebDriverWait(browser, timeout) {
            @Override
            protected RuntimeException timeoutException(String message, Throwable lastException) {
                Path shot = chromium.screenshot("failed-" + System.currentTimeMillis(), null);
                return super.timeoutException(message + " (the page as it was: " + shot.toAbsolutePath() + ")", lastException);
            }
        };
    }

    /** On a phone the question's form comes first; a person scrolls down to the answer, and so does the screenshot. */
    private static void showResult(String size) throws InterruptedException {
        if (size.equals("phone")) {
            browser.executeScript("document.querySelector('section[aria-labelledby=result-title]').scrollIntoView()");
        }
        settle();
    }

    private static void trickle(String size) throws Exception {
        String auth = "Basic " + Base64.getEncoder().encodeToString((WRITE_KEY + ":").getBytes(UTF_8));
        String[] sources = {"google", "newsletter", "twitter", "direct"};
        for (int i = 0; i < 10; i++) {
            StringBuilder batch = new StringBuilder("{\"batch\":[");
            for (int j = 0; j < 6; j++) {
                int n = i * 6 + j;
                batch.append(j == 0 ? "" : ",").append("{\"type\":\"track\",\"event\":\"").append(n % 5 == 4 ? DemoEvents.SIGNED_UP : DemoEvents.VIEWED)
                        .append("\",\"anonymousId\":\"visitor-").append(size).append('-').append(n / 2)
                        .append("\",\"properties\":{\"source\":\"").append(sources[n % sources.length]).append("\"}}");
            }
            if (i % 4 == 0) {
                // now and then a broken client: the panel shows rejections by reason
                batch.append(",{\"type\":\"track\",\"event\":\"\",\"anonymousId\":\"broken-client\"}");
            }
            post("/v1/batch", batch.append("]}").toString(), auth);
            Thread.sleep(350);
        }
        Thread.sleep(2_500);
    }

    /** Lets chart animations end before a screenshot. */
    private static void settle() throws InterruptedException {
        Thread.sleep(900);
    }

    private String shopPage() {
        return """
                <!doctype html><html><head><title>Demo shop</title>
                <script src="%s/tally.js"></script>
                <script>tally.init('%s', {flushInterval: 200});</script></head>
                <body><h1>Demo shop</h1>
                <button id="pricing" onclick="tally.track('Demo viewed pricing', {plan: 'pro'})">See pricing</button>
                <button id="trial" onclick="tally.track('Demo started trial')">Start trial</button>
                <button id="buy" onclick="tally.track('Demo purchased', {price: 29})">Buy</button>
                <button id="next-visitor" onclick="tally.reset()">Next visitor</button>
                </body></html>""".formatted(server.url(), WRITE_KEY);
    }

    // ---- the API, for set-up ----

    private static String save(String name, String query, String chart) throws Exception {
        String body = "{\"name\":\"" + name + "\",\"query\":" + query + (chart == null ? "" : ",\"chart\":\"" + chart + "\"") + "}";
        HttpResponse<String> response = request("POST", "/v1/projects/default/insights", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body()).path("id").asText();
    }

    private static JsonNode ingestion() throws IOException, InterruptedException {
        return JSON.readTree(request("GET", "/v1/projects/default/ingestion", null).body());
    }

    private static HttpResponse<String> request(String method, String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", "Bearer " + READ_KEY)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body, String authorization) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", authorization)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
