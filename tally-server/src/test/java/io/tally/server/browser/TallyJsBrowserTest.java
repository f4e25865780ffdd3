package io.tally.server.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * tally.js in a real browser against a {@link FakeCollector}: the wire format, batching, the anonymous
 * id kept across page loads, Do-Not-Track, retries that keep messageIds, the bounded queue, the beacon
 * when the page goes away, and page views of single-page apps.
 */
class TallyJsBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static FakeCollector collector;
    private static TestingChromium chromium;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() {
        collector = new FakeCollector();
        chromium = TestingChromium.start();
        browser = chromium.driver();
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    @BeforeEach
    void freshState() {
        collector.clear();
        // storage and cookies belong to the collector's origin: clear them from a page there
        browser.get(collector.page("/blank.html", "<!doctype html><title>blank</title>"));
        browser.executeScript("localStorage.clear(); document.cookie.split(';').forEach(c => "
                + "document.cookie = c.split('=')[0].trim() + '=;path=/;max-age=0');");
    }

    @Test
    void sendsSegmentBatchesWithTheWriteKeyAndContext() {
        open("/wire.html", "{autoPageviews: false, maxBatch: 3, flushInterval: 60000}", "");
        Instant before = Instant.now();
        browser.executeScript("tally.track('Viewed item', {sku: 'A-1', price: 9.5}); tally.identify('user-7', {plan: 'pro'});"
                + "tally.page('Pricing', {section: 'top'});");
        JsonNode body = awaitBatches(1).get(0);
        assertThat(body.path("writeKey").asText()).isEqualTo("wk_test");
        assertThat(Instant.parse(body.path("sentAt").asText())).isAfterOrEqualTo(before.minusSeconds(1));
        JsonNode batch = body.path("batch");
        assertThat(batch.size()).isEqualTo(3);
        JsonNode track = batch.get(0);
        assertThat(track.path("type").asText()).isEqualTo("track");
        assertThat(track.path("event").asText()).isEqualTo("Viewed item");
        assertThat(track.path("properties").path("price").asDouble()).isEqualTo(9.5);
        assertThat(track.path("messageId").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(track.path("anonymousId").asText()).hasSize(36);
        assertThat(track.has("userId")).isFalse();
        assertThat(Instant.parse(track.path("originalTimestamp").asText())).isAfterOrEqualTo(before.minusSeconds(1));
        JsonNode context = track.path("context");
        assertThat(context.path("library").path("name").asText()).isEqualTo("tally.js");
        assertThat(context.path("page").path("path").asText()).isEqualTo("/wire.html");
        assertThat(context.path("page").path("title").asText()).isEqualTo("Shop");
        assertThat(context.path("userAgent").asText()).contains("Chrome");
        assertThat(context.path("locale").asText()).isNotEmpty();
        JsonNode identify = batch.get(1);
        assertThat(identify.path("type").asText()).isEqualTo("identify");
        assertThat(identify.path("userId").asText()).isEqualTo("user-7");
        assertThat(identify.path("traits").path("plan").asText()).isEqualTo("pro");
        assertThat(identify.path("anonymousId").asText()).isEqualTo(track.path("anonymousId").asText());
        JsonNode page = batch.get(2);
        assertThat(page.path("type").asText()).isEqualTo("page");
        assertThat(page.path("name").asText()).isEqualTo("Pricing");
        assertThat(page.path("userId").asText()).isEqualTo("user-7");
        assertThat(page.path("properties").path("path").asText()).isEqualTo("/wire.html");
        assertThat(page.path("properties").path("section").asText()).isEqualTo("top");
    }

    @Test
    void batchesWhatArrivesWithinTheFlushInterval() {
        open("/batching.html", "{autoPageviews: false, flushInterval: 400, maxBatch: 20}", "");
        browser.findElement(By.id("buy")).click();
        browser.executeScript("for (let i = 0; i < 4; i++) tally.track('Tick', {i});");
        List<JsonNode> batches = awaitBatches(1);
        sleep(600);
        assertThat(collector.batches()).hasSize(1);
        assertThat(batches.get(0).path("batch").size()).isEqualTo(5);
        assertThat(batches.get(0).path("batch").get(0).path("event").asText()).isEqualTo("Bought");
        // a full batch goes at once, without waiting for the interval
        browser.executeScript("tally.track('A'); tally.track('B');");
        open("/full.html", "{autoPageviews: false, flushInterval: 60000, maxBatch: 2}", "");
        browser.executeScript("tally.track('A'); tally.track('B');");
        assertThat(awaitBatches(2).get(1).path("batch").size()).isEqualTo(2);
    }

    @Test
    void keepsTheAnonymousIdAndUserAcrossPageLoads() {
        open("/id.html", "{autoPageviews: false, flushInterval: 50}", "");
        String anonymousId = (String) browser.executeScript("return localStorage.getItem('tally_anonymous_id')");
        assertThat(anonymousId).hasSize(36);
        assertThat((String) browser.executeScript("return document.cookie")).contains("tally_anonymous_id=" + anonymousId);
        browser.executeScript("tally.identify('user-1')");
        awaitBatches(1);
        browser.navigate().refresh();
        browser.executeScript("tally.track('Back again')");
        JsonNode again = awaitBatches(2).get(1).path("batch").get(0);
        assertThat(again.path("anonymousId").asText()).isEqualTo(anonymousId);
        assertThat(again.path("userId").asText()).isEqualTo("user-1");
        // with storage blocked or cleared, the first-party cookie still holds the id
        browser.executeScript("localStorage.clear()");
        browser.navigate().refresh();
        browser.executeScript("tally.track('Cookie only')");
        assertThat(awaitBatches(3).get(2).path("batch").get(0).path("anonymousId").asText()).isEqualTo(anonymousId);
        browser.executeScript("tally.reset(); tally.track('Someone else')");
        JsonNode other = awaitBatches(4).get(3).path("batch").get(0);
        assertThat(other.path("anonymousId").asText()).isNotEqualTo(anonymousId);
        assertThat(other.has("userId")).isFalse();
    }

    @Test
    void sendsNothingUnderDoNotTrackWhenAskedTo() {
        String doNotTrack = "Object.defineProperty(navigator, 'doNotTrack', {value: '1'});";
        open("/dnt.html", "{respectDoNotTrack: true, flushInterval: 50}", doNotTrack);
        browser.findElement(By.id("buy")).click();
        sleep(800);
        assertThat(collector.batches()).isEmpty();
        assertThat(browser.executeScript("return localStorage.getItem('tally_anonymous_id')")).as("no id is stored either").isNull();
        // the same browser signal is ignored unless the site asks to respect it
        open("/dnt-ignored.html", "{autoPageviews: false, flushInterval: 50}", doNotTrack);
        browser.findElement(By.id("buy")).click();
        assertThat(awaitBatches(1).get(0).path("batch").get(0).path("event").asText()).isEqualTo("Bought");
    }

    @Test
    void retriesFailedBatchesWithTheSameMessageIds() {
        collector.answerNext(503, 500, 429);
        open("/retry.html", "{autoPageviews: false, flushInterval: 50, retryMin: 100, retryMax: 400}", "");
        browser.executeScript("tally.track('One'); tally.track('Two');");
        List<JsonNode> batches = awaitBatches(4);
        List<String> first = messageIds(batches.get(0));
        assertThat(first).hasSize(2);
        for (JsonNode retry : batches) {
            assertThat(messageIds(retry)).isEqualTo(first);
        }
        sleep(600);
        assertThat(collector.batches()).as("delivered once accepted").hasSize(4);
    }

    @Test
    void dropsTheOldestEventsBeyondTheQueueBound() {
        collector.answerAlways(503);
        open("/bound.html", "{autoPageviews: false, flushInterval: 50, maxQueue: 5, retryMin: 60000, retryMax: 60000}", "");
        browser.executeScript("tally.track('e0')");
        awaitBatches(1);
        browser.executeScript("for (let i = 1; i < 8; i++) tally.track('e' + i);");
        collector.answerAlways(200);
        browser.executeScript("tally.flush()");
        JsonNode delivered = awaitBatches(2).get(1);
        List<String> events = new ArrayList<>();
        delivered.path("batch").forEach(m -> events.add(m.path("event").asText()));
        assertThat(events).containsExactly("e3", "e4", "e5", "e6", "e7");
    }

    @Test
    void hidingThePageHandsQueuedEventsToTheBrowser() {
        open("/leave.html", "{autoPageviews: false, flushInterval: 60000}", "");
        browser.executeScript("tally.track('Left early', {n: 1}); tally.track('Left early', {n: 2});");
        sleep(300);
        assertThat(collector.batches()).isEmpty();
        browser.get(collector.page("/elsewhere.html", "<!doctype html><title>elsewhere</title>"));
        JsonNode beacon = awaitBatches(1).get(0);
        assertThat(beacon.path("batch").size()).isEqualTo(2);
        assertThat(beacon.path("writeKey").asText()).isEqualTo("wk_test");
    }

    @Test
    void countsPageViewsOfSinglePageApps() {
        open("/app.html", "{flushInterval: 50}", "");
        browser.executeScript("history.pushState({}, '', '/app/settings');");
        browser.executeScript("history.replaceState({step: 2}, '', '/app/settings');");
        browser.executeScript("history.back();");
        List<String> paths = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            paths.clear();
            for (JsonNode body : collector.batches()) {
                body.path("batch").forEach(m -> paths.add(m.path("type").asText() + " " + m.path("properties").path("path").asText()));
            }
            return paths.size() >= 3;
        });
        sleep(300);
        assertThat(paths).containsExactly("page /app.html", "page /app/settings", "page /app.html");
    }

    private void open(String path, String options, String before) {
        String html = "<!doctype html><html><head><title>Shop</title><script>" + before + "</script>"
                + "<script src=\"/tally.js\"></script>"
                + "<script>tally.init('wk_test', " + options + ");</script></head>"
                + "<body><button id=\"buy\" onclick=\"tally.track('Bought', {price: 9.5})\">Buy</button></body></html>";
        browser.get(collector.page(path, html));
    }

    private static List<JsonNode> awaitBatches(int count) {
        await().atMost(WAIT).until(() -> collector.batches().size() >= count);
        return collector.batches();
    }

    private static List<String> messageIds(JsonNode body) {
        List<String> ids = new ArrayList<>();
        body.path("batch").forEach(m -> ids.add(m.path("messageId").asText()));
        return ids;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
