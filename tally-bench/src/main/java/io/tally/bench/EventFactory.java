package io.tally.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Realistic browser-like track events of about 1 KB: a page context, a user agent, a campaign and a
 * handful of properties, with ids that vary so that compression and dedup see real data.
 *
 * <p>The load generator shares the machine with the server, so events are made cheaply: a pool of
 * varied events is built once, and each use only splices in a fresh messageId. Both the HTTP phase and
 * the raw-producer baseline take their events from the same kind of pool.
 */
final class EventFactory {
    private static final int POOL = 4_096;
    private final byte[][] heads = new byte[POOL][];
    private final byte[][] tails = new byte[POOL][];
    private final byte[] sentAt = ("],\"sentAt\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
    private int next;

    private static final String[] EVENTS = {"page_viewed", "signup", "checkout_started", "purchase", "search", "video_played"};
    private static final String[] PLANS = {"free", "pro", "team", "enterprise"};
    private final SplittableRandom random;
    private final String runId;
    private long sequence;

    EventFactory(long seed, String runId) {
        this.random = new SplittableRandom(seed);
        this.runId = runId;
        for (int i = 0; i < POOL; i++) {
            String event = template();
            int cut = event.indexOf(MESSAGE_ID_MARK);
            heads[i] = event.substring(0, cut).getBytes(StandardCharsets.UTF_8);
            tails[i] = event.substring(cut + MESSAGE_ID_MARK.length()).getBytes(StandardCharsets.UTF_8);
        }
    }

    private static final String MESSAGE_ID_MARK = "@@MESSAGE_ID@@";

    /** One event as Segment-style JSON, with a messageId never used before by this factory. */
    byte[] event() {
        int i = next++ & (POOL - 1);
        byte[] id = (runId + "-" + sequence++).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[heads[i].length + id.length + tails[i].length];
        System.arraycopy(heads[i], 0, out, 0, heads[i].length);
        System.arraycopy(id, 0, out, heads[i].length, id.length);
        System.arraycopy(tails[i], 0, out, heads[i].length + id.length, tails[i].length);
        return out;
    }

    /** A batch body of {@code size} events. */
    byte[] batch(int size) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(size * 1200);
        body.writeBytes("{\"batch\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                body.write(',');
            }
            body.writeBytes(event());
        }
        body.writeBytes(sentAt);
        return body.toByteArray();
    }

    private String template() {
        int user = random.nextInt(100_000);
        String name = EVENTS[random.nextInt(EVENTS.length)];
        return "{\"type\":\"track\",\"event\":\"" + name + "\",\"userId\":\"user-" + user
                + "\",\"anonymousId\":\"" + uuidLike(user) + "\",\"messageId\":\"" + MESSAGE_ID_MARK
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

    private String uuidLike(int user) {
        return String.format("%08x-%04x-4%03x-a%03x-%012x", user * 2654435761L & 0xffffffffL, user & 0xffff, user & 0xfff,
                (user >> 4) & 0xfff, (long) user * 40503L);
    }
}
