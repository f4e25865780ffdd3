package io.tally.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Realistic browser-like track events of about 1 KB: a page context, a user agent, a campaign and a
 * handful of properties, with ids that vary so that compression and dedup see real data.
 */
final class EventFactory {
    private static final String[] EVENTS = {"page_viewed", "signup", "checkout_started", "purchase", "search", "video_played"};
    private static final String[] PLANS = {"free", "pro", "team", "enterprise"};
    private final SplittableRandom random;
    private final String runId;
    private long sequence;

    EventFactory(long seed, String runId) {
        this.random = new SplittableRandom(seed);
        this.runId = runId;
    }

    /** One event as Segment-style JSON. */
    String event() {
        long n = sequence++;
        int user = random.nextInt(100_000);
        String name = EVENTS[random.nextInt(EVENTS.length)];
        return "{\"type\":\"track\",\"event\":\"" + name + "\",\"userId\":\"user-" + user
                + "\",\"anonymousId\":\"" + uuidLike(user) + "\",\"messageId\":\"" + runId + "-" + n
                + "\",\"timestamp\":\"" + Instant.now() + "\",\"properties\":{\"plan\":\"" + PLANS[random.nextInt(PLANS.length)]
                + "\",\"price\":" + random.nextInt(10_000) / 100.0 + ",\"quantity\":" + (1 + random.nextInt(5))
                + ",\"sku\":\"SKU-" + random.nextInt(50_000) + "\",\"category\":\"electronics/audio/headphones\""
                + ",\"search_query\":\"wireless noise cancelling " + random.nextInt(1000) + "\",\"experiment\":\"checkout-v" + random.nextInt(4)
                + "\"},\"context\":{\"library\":{\"name\":\"analytics.js\",\"version\":\"4.1.0\"},"
                + "\"page\":{\"path\":\"/products/" + random.nextInt(5000) + "\",\"referrer\":\"https://www.example.com/search?q=headphones&page="
                + random.nextInt(20) + "\",\"title\":\"Wireless Headphones - Example Store\",\"url\":\"https://shop.example.com/products/"
                + random.nextInt(5000) + "?utm_source=newsletter\"},"
                + "\"campaign\":{\"name\":\"autumn-sale\",\"source\":\"newsletter\",\"medium\":\"email\"},"
                + "\"locale\":\"de-DE\",\"timezone\":\"Europe/Berlin\",\"screen\":{\"width\":1920,\"height\":1080},"
                + "\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\"}}";
    }

    /** A batch body of {@code size} events. */
    byte[] batch(int size) {
        StringBuilder body = new StringBuilder(size * 1100).append("{\"batch\":[");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append(event());
        }
        return body.append("],\"sentAt\":\"").append(Instant.now()).append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private String uuidLike(int user) {
        return String.format("%08x-%04x-4%03x-a%03x-%012x", user * 2654435761L & 0xffffffffL, user & 0xffff, user & 0xfff,
                (user >> 4) & 0xfff, (long) user * 40503L);
    }
}
