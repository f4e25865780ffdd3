package io.tally.server.browser;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Six weeks of a small product's events, the same for every seed: visitors view the pricing page, some
 * sign up (which links their anonymous id to a user), some buy, and people log in again less and less
 * often. Enough for trends, funnels and retention that look like real ones in the screenshots.
 */
final class DemoEvents {
    static final String VIEWED = "Viewed pricing";
    static final String SIGNED_UP = "Signed up";
    static final String PURCHASED = "Purchased";
    static final String LOGGED_IN = "Logged in";
    private static final String[] SOURCES = {"google", "newsletter", "twitter", "direct"};
    private static final String[] PLANS = {"free", "free", "free", "pro", "pro", "team"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoEvents() {
    }

    /** Messages in Segment's format with explicit timestamps, none after {@code now}. */
    static List<ObjectNode> generate(Instant now, long seed) {
        Random random = new Random(seed);
        Instant today = now.truncatedTo(ChronoUnit.DAYS);
        List<ObjectNode> events = new ArrayList<>();
        for (int v = 0; v < 420; v++) {
            // more visitors lately: a product that grows
            int daysAgo = (int) Math.floor(42 * Math.pow(random.nextDouble(), 1.3));
            Instant visit = today.minus(Duration.ofDays(daysAgo)).plus(Duration.ofMinutes(7 * 60 + random.nextInt(14 * 60)));
            String anonymousId = "anon-" + v;
            String source = SOURCES[random.nextInt(SOURCES.length)];
            for (int i = 0, views = 1 + random.nextInt(3); i < views; i++) {
                ObjectNode view = message(VIEWED, null, anonymousId, visit.plusSeconds(90L * i));
                properties(view).put("source", source);
                add(events, now, view);
            }
            if (random.nextDouble() > 0.62) {
                continue;
            }
            String userId = "user-" + v;
            String plan = PLANS[random.nextInt(PLANS.length)];
            Instant signup = visit.plus(Duration.ofMinutes(5 + random.nextInt(40)));
            // both ids on one event: the anonymous visitor and the user are one person from here on
            ObjectNode signedUp = message(SIGNED_UP, userId, anonymousId, signup);
            properties(signedUp).put("plan", plan).put("source", source);
            add(events, now, signedUp);
            if (random.nextDouble() < 0.38) {
                ObjectNode purchase = message(PURCHASED, userId, null, signup.plus(Duration.ofHours(1 + random.nextInt(72))));
                properties(purchase).put("plan", plan).put("price", plan.equals("team") ? 99 : plan.equals("pro") ? 29 : 9);
                add(events, now, purchase);
            }
            for (int d = 1; d <= daysAgo; d++) {
                if (random.nextDouble() < 0.08 + 0.5 * Math.pow(0.86, d)) {
                    add(events, now, message(LOGGED_IN, userId, null,
                            signup.plus(Duration.ofDays(d)).plus(Duration.ofMinutes(random.nextInt(300) - 150))));
                }
            }
        }
        return events;
    }

    /** Batches of the collector's wire format, small enough for its 500 KB request limit. */
    static List<String> batches(List<ObjectNode> events, int size) {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < events.size(); i += size) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode batch = body.putArray("batch");
            events.subList(i, Math.min(events.size(), i + size)).forEach(batch::add);
            bodies.add(body.toString());
        }
        return bodies;
    }

    private static ObjectNode message(String event, String userId, String anonymousId, Instant at) {
        ObjectNode m = JSON.createObjectNode();
        m.put("type", "track").put("event", event).put("timestamp", at.toString());
        if (userId != null) {
            m.put("userId", userId);
        }
        if (anonymousId != null) {
            m.put("anonymousId", anonymousId);
        }
        m.putObject("properties");
        return m;
    }

    private static ObjectNode properties(ObjectNode message) {
        return (ObjectNode) message.get("properties");
    }

    /** Events of today's later hours would lie in the future: they are left out. */
    private static void add(List<ObjectNode> events, Instant now, ObjectNode message) {
        if (Instant.parse(message.get("timestamp").asText()).isBefore(now.minusSeconds(60))) {
            events.add(message);
        }
    }
}
