package io.tally.bench;

import io.tally.collector.CollectorSettings;
import io.tally.collector.EventNormalizer;
import io.tally.collector.RequestMeta;
import io.tally.collector.parse.ParsedRequest;
import io.tally.collector.parse.RawMessage;
import io.tally.collector.parse.SegmentRequestParser;
import io.tally.core.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@link Event} values made by the collector's own parser and normalizer from {@link EventFactory}'s
 * request bodies, so that a store sees exactly the fields, defaults and JSON text the collector would
 * hand it for those requests, without running a server.
 */
final class CollectorEvents {
    static final String PROJECT = "default";
    private static final int EVENTS_PER_REQUEST = 100;

    private final EventFactory factory;
    private final SegmentRequestParser parser;
    private final EventNormalizer normalizer = new EventNormalizer();
    private final SplittableRandom clients;

    private CollectorEvents(EventFactory factory, long seed) {
        CollectorSettings limits = CollectorSettings.defaults();
        this.factory = factory;
        this.parser = new SegmentRequestParser(limits.maxJsonDepth(), limits.maxBodyBytes());
        this.clients = new SplittableRandom(seed);
    }

    /** See {@link EventFactory#historical}: the same seed and end make the same events. */
    static CollectorEvents historical(long seed, Instant end, Duration spread) {
        return new CollectorEvents(EventFactory.historical(seed, end, spread), seed);
    }

    /** The next {@code count} events, made {@value #EVENTS_PER_REQUEST} per request like the ingest benchmark's clients. */
    List<Event> next(int count) {
        List<Event> events = new ArrayList<>(count);
        while (events.size() < count) {
            ParsedRequest request = parser.parseBatch(factory.batch(Math.min(EVENTS_PER_REQUEST, count - events.size())));
            // received a moment after it was sent, from one of a few hundred client addresses
            Instant receivedAt = Instant.parse(request.sentAt()).plusMillis(20 + clients.nextInt(200));
            RequestMeta meta = new RequestMeta(PROJECT, receivedAt, clientIp(), null);
            for (RawMessage m : request.messages()) {
                events.add(normalizer.normalize(m.node(), null, meta, request.sentAt(), request.context()));
            }
        }
        return events;
    }

    /** Documentation ranges (RFC 5737): realistic text, nobody's real address. */
    private String clientIp() {
        int host = clients.nextInt(512);
        return (host < 256 ? "198.51.100." : "203.0.113.") + (host & 0xFF);
    }
}
