package io.tally.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Realistic browser-like track events of about 1 KB: a page context, a user agent, a campaign and a
 * handful of properties, with ids that vary so that compression and dedup see real data.
 *
 * <p>The load generator shares the machine with the server, so events are made cheaply: a pool of
 * varied events is built once, and each use only splices in a fresh messageId (and, for
 * {@link #historical}, a timestamp). Both the HTTP phase and the raw-producer baseline take their events
 * from the same kind of pool.
 */
final class EventFactory {
    private static final int POOL = 4_096;
    private static final String MESSAGE_ID_MARK = "@@MESSAGE_ID@@";
    private static final String TIMESTAMP_MARK = "@@TIMESTAMP@@";
    /** A client's batch spans a few seconds of its user's activity. */
    private static final long BATCH_SPREAD_MILLIS = 10_000;

    private static final String[] EVENTS = {"page_viewed", "signup", "checkout_started", "purchase", "search", "video_played"};
    private static final String[] PLANS = {"free", "pro", "team", "enterprise"};

    private final byte[][] heads = new byte[POOL][];
    private final byte[][] mids = new byte[POOL][];
    private final byte[][] tails = new byte[POOL][];
    private final SplittableRandom random;
    private final String runId;
    private final Instant spreadEnd;
    private final long spreadMillis;
    private byte[] sentAt;
    private final byte[] fixedTimestamp;
    private long batchStartMillis;
    private int next;
    private long sequence;

    /**
     * Events with counter messageIds ({@code runId-N}) and one timestamp, the cheapest to make: for
     * load generation, where only the bytes on the wire matter.
     */
    EventFactory(long seed, String runId) {
        this(seed, runId, null, Duration.ZERO);
    }

    private EventFactory(long seed, String runId, Instant spreadEnd, Duration spread) {
        this.random = new SplittableRandom(seed);
        this.runId = runId;
        this.spreadEnd = spreadEnd;
        this.spreadMillis = spread.toMillis();
        Instant now = spreadEnd == null ? Instant.now() : spreadEnd;
        this.fixedTimestamp = now.toString().getBytes(StandardCharsets.UTF_8);
        this.sentAt = sentAtSuffix(now);
        this.batchStartMillis = now.toEpochMilli();
        for (int i = 0; i < POOL; i++) {
            String event = template();
            int id = event.indexOf(MESSAGE_ID_MARK);
            int time = event.indexOf(TIMESTAMP_MARK);
            heads[i] = event.substring(0, id).getBytes(StandardCharsets.UTF_8);
            mids[i] = event.substring(id + MESSAGE_ID_MARK.length(), time).getBytes(StandardCharsets.UTF_8);
            tails[i] = event.substring(time + TIMESTAMP_MARK.length()).getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Events as a store holds them after a while of real traffic: random UUID messageIds (what Segment's
     * libraries send; a counter would compress to almost nothing and flatter a column store), and each
     * batch at a random moment of the {@code spread} before {@code end}. The same seed and end give the
     * same events, so two phases of one benchmark can load identical data.
     */
    static EventFactory historical(long seed, Instant end, Duration spread) {
        if (spread.isNegative() || spread.isZero()) {
            throw new IllegalArgumentException("spread must be positive, was " + spread);
        }
        return new EventFactory(seed, null, end, spread);
    }

    /** One event as Segment-style JSON, with a messageId never used before by this factory. */
    byte[] event() {
        int i = next++ & (POOL - 1);
        byte[] id = messageId().getBytes(StandardCharsets.UTF_8);
        byte[] time = timestamp();
        byte[] out = new byte[heads[i].length + id.length + mids[i].length + time.length + tails[i].length];
        int at = put(heads[i], out, 0);
        at = put(id, out, at);
        at = put(mids[i], out, at);
        at = put(time, out, at);
        put(tails[i], out, at);
        return out;
    }

    private static int put(byte[] part, byte[] out, int at) {
        System.arraycopy(part, 0, out, at, part.length);
        return at + part.length;
    }

    private String messageId() {
        if (runId != null) {
            return runId + "-" + sequence++;
        }
        // version 4, variant 2, like UUID.randomUUID(), but reproducible from the seed
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    private byte[] timestamp() {
        if (spreadEnd == null) {
            return fixedTimestamp;
        }
        return Instant.ofEpochMilli(batchStartMillis + random.nextLong(BATCH_SPREAD_MILLIS)).toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A batch body of {@code size} events. */
    byte[] batch(int size) {
        if (spreadEnd != null) {
            batchStartMillis = spreadEnd.toEpochMilli() - BATCH_SPREAD_MILLIS - random.nextLong(spreadMillis);
            sentAt = sentAtSuffix(Instant.ofEpochMilli(batchStartMillis + BATCH_SPREAD_MILLIS));
        }
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

    private static byte[] sentAtSuffix(Instant sentAt) {
        return ("],\"sentAt\":\"" + sentAt + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private String template() {
        int user = random.nextInt(100_000);
        String name = EVENTS[random.nextInt(EVENTS.length)];
        return "{\"type\":\"track\",\"event\":\"" + name + "\",\"userId\":\"user-" + user
                + "\",\"anonymousId\":\"" + uuidLike(user) + "\",\"messageId\":\"" + MESSAGE_ID_MARK
                + "\",\"timestamp\":\"" + TIMESTAMP_MARK + "\",\"properties\":{\"plan\":\"" + PLANS[random.nextInt(PLANS.length)]
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
