package io.tally.collector;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tally.collector.parse.ParsedRequest;
import io.tally.collector.parse.RawMessage;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.event.RejectedEvent;
import io.tally.core.spi.EventLog;
import io.tally.schema.TrackingPlans;
import io.tally.schema.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates the messages of one request (shape, size and the project's tracking plan) and hands them
 * to the log: valid ones to the events topic, invalid ones with their reason to the dead-letter topic.
 * It returns only when both are durable, so an answer of 200 means every message is kept somewhere. A retryable {@link TallyException}
 * means nothing may be assumed; the client retries and messageIds make the retry harmless.
 */
public final class IngestService {
    /** Dead-lettered payloads are cut here: an oversize event is kept as evidence, not in full. */
    private static final int MAX_REJECTED_PAYLOAD_CHARS = 8 * 1024;

    private final CollectorSettings settings;
    private final EventLog log;
    private final TrackingPlans plans;
    private final EventNormalizer normalizer = new EventNormalizer();
    private final MeterRegistry metrics;
    private final Counter received;
    private final Counter accepted;

    public IngestService(CollectorSettings settings, EventLog log, TrackingPlans plans, MeterRegistry metrics) {
        this.settings = requireNonNull(settings, "settings is null");
        this.plans = requireNonNull(plans, "plans is null");
        this.log = requireNonNull(log, "log is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.received = Counter.builder("tally.collector.events.received").description("Messages received").register(metrics);
        this.accepted = Counter.builder("tally.collector.events.accepted")
                .description("Messages accepted and acknowledged by Kafka").register(metrics);
    }

    /**
     * @param impliedType the type of a single-event endpoint, or null for a batch
     */
    public IngestResult ingest(ParsedRequest request, EventType impliedType, RequestMeta meta) {
        List<Event> events = new ArrayList<>(request.messages().size());
        List<RejectedEvent> rejected = new ArrayList<>();
        List<EventOutcome> outcomes = new ArrayList<>(request.messages().size());
        for (RawMessage message : request.messages()) {
            try {
                if (message.bytes() > settings.maxEventBytes()) {
                    throw new TallyException(ErrorCode.EVENT_TOO_LARGE,
                            "the message is " + message.bytes() + " bytes; the limit is " + settings.maxEventBytes());
                }
                Event event = normalizer.normalize(message.node(), impliedType, meta, request.sentAt(), request.context());
                Verdict verdict = plans.check(event.project(), event.type(), event.event(), checkedPayload(event));
                if (verdict.refuses()) {
                    ErrorCode code = verdict.outcome() == Verdict.Outcome.UNKNOWN_EVENT ? ErrorCode.UNKNOWN_EVENT : ErrorCode.SCHEMA_VIOLATION;
                    outcomes.add(new EventOutcome(message.index(), event.messageId(), code, verdict.reason(),
                            event.type() == EventType.IDENTIFY ? "traits" : "properties"));
                    rejected.add(new RejectedEvent(meta.project(), meta.receivedAt(), code, verdict.reason(), message.index(),
                            event.messageId(), payloadOf(message, impliedType), meta.ip(), meta.userAgent(), verdict.schema()));
                    continue;
                }
                if (verdict.warns()) {
                    event = ViolationRecord.attach(event, verdict);
                    metrics.counter("tally.collector.schema.warnings", "project", event.project()).increment();
                }
                events.add(event);
                outcomes.add(EventOutcome.accepted(message.index(), event.messageId()));
            } catch (TallyException e) {
                String messageId = messageIdOf(message);
                outcomes.add(new EventOutcome(message.index(), messageId, e.code(), e.getMessage(), e.field().orElse(null)));
                rejected.add(new RejectedEvent(meta.project(), meta.receivedAt(), e.code(), e.getMessage(), message.index(),
                        messageId, payloadOf(message, impliedType), meta.ip(), meta.userAgent()));
            }
        }
        received.increment(request.messages().size());
        // one deadline for both: waited for in turn, each with the whole timeout, a request could
        // take twice as long as the timeout before its 503
        long deadline = System.nanoTime() + settings.appendTimeout().toNanos();
        log.appendRejected(rejected, settings.appendTimeout());
        log.append(events, remainingUntil(deadline));
        accepted.increment(events.size());
        for (RejectedEvent r : rejected) {
            metrics.counter("tally.collector.events.rejected", "reason", r.code().wireName()).increment();
        }
        return new IngestResult(outcomes);
    }

    /** The time left before {@code deadline}; at least a millisecond, so that Kafka is still asked. */
    private static Duration remainingUntil(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    /** What the tracking plan describes: a track's properties, an identify's traits. */
    static String checkedPayload(Event event) {
        return event.type() == EventType.IDENTIFY ? event.traits() : event.properties();
    }

    private static String messageIdOf(RawMessage message) {
        if (message.node() != null && message.node().isObject()) {
            var id = message.node().get("messageId");
            if (id != null && id.isValueNode() && id.asText().length() <= EventNormalizer.MAX_MESSAGE_ID_LENGTH) {
                return id.asText();
            }
        }
        return null;
    }

    /**
     * The message as received; a message of a single-event endpoint gets its implied {@code type}, so
     * that a replay can read it the way a batch message is read.
     */
    private static String payloadOf(RawMessage message, EventType impliedType) {
        JsonNode node = message.node();
        if (impliedType != null && node instanceof ObjectNode object && !object.has("type")) {
            node = object.deepCopy().put("type", impliedType.wireName());
        }
        String text = node == null ? "" : node.toString();
        if (text.length() <= MAX_REJECTED_PAYLOAD_CHARS) {
            return text;
        }
        // cut on a character boundary; the reason already says it was too large
        byte[] utf8 = text.substring(0, MAX_REJECTED_PAYLOAD_CHARS).getBytes(StandardCharsets.UTF_8);
        return new String(utf8, StandardCharsets.UTF_8) + "...(truncated)";
    }
}
