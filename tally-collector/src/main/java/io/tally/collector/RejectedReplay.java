package io.tally.collector;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.Event;
import io.tally.core.event.RejectedEvent;
import io.tally.core.spi.EventLog;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.LoggedRejection;
import io.tally.core.spi.RejectedEventReader;
import io.tally.schema.TrackingPlans;
import io.tally.schema.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends dead-lettered events of a project that now pass through the normal path: read from the
 * dead-letter log since a time, normalized and checked against the current tracking plan exactly as
 * the collector does, then appended to the events log. Events that still fail stay where they are.
 *
 * <p>Exactly once: a replayed event keeps its {@code messageId}; one that never had one gets a
 * name-based id from its dead-letter position, so replaying the same range twice stores it once.
 * Replay reads only up to the log's end at the start, so it finishes even while new refusals arrive.
 */
public final class RejectedReplay {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int APPEND_BATCH = 500;
    private static final int PROGRESS_EVERY = 1_000;
    private static final Duration STALL_LIMIT = Duration.ofSeconds(30);

    private final Supplier<RejectedEventReader> readers;
    private final EventLog log;
    private final TrackingPlans plans;
    private final CollectorSettings settings;
    private final EventNormalizer normalizer = new EventNormalizer();

    public RejectedReplay(Supplier<RejectedEventReader> readers, EventLog log, TrackingPlans plans, CollectorSettings settings) {
        this.readers = requireNonNull(readers, "readers is null");
        this.log = requireNonNull(log, "log is null");
        this.plans = requireNonNull(plans, "plans is null");
        this.settings = requireNonNull(settings, "settings is null");
    }

    /** Replays the project's refusals received since {@code since}; {@code onProgress} hears about every thousand records. */
    public Progress replay(String project, Instant since, Consumer<Progress> onProgress) {
        requireNonNull(project, "project is null");
        requireNonNull(since, "since is null");
        Progress progress = new Progress();
        try (RejectedEventReader reader = readers.get()) {
            reader.seek(since);
            Map<LogPartition, Long> end = reader.endPositions();
            List<Event> pending = new ArrayList<>();
            long lastRead = System.nanoTime();
            while (!reachedEnd(reader.positions(), end)) {
                List<LoggedRejection> batch = reader.poll(Duration.ofMillis(500));
                if (batch.isEmpty() && System.nanoTime() - lastRead > STALL_LIMIT.toNanos()) {
                    throw new TallyException(ErrorCode.LOG_UNAVAILABLE, "the dead-letter log stopped answering after "
                            + progress.read + " records; replay again, replayed events are not duplicated");
                }
                for (LoggedRejection logged : batch) {
                    lastRead = System.nanoTime();
                    if (logged.offset() >= end.getOrDefault(logged.partition(), 0L)) {
                        continue;
                    }
                    progress.read++;
                    if (project.equals(logged.rejected().project())) {
                        Event event = retry(logged, progress);
                        if (event != null) {
                            pending.add(event);
                        }
                    }
                    if (pending.size() >= APPEND_BATCH) {
                        flush(pending, progress);
                    }
                    if (progress.read % PROGRESS_EVERY == 0) {
                        onProgress.accept(progress.copy());
                    }
                }
            }
            flush(pending, progress);
        }
        progress.done = true;
        onProgress.accept(progress.copy());
        return progress;
    }

    /** The event if it now passes, or null (counted with its reason) if it still fails. */
    private Event retry(LoggedRejection logged, Progress progress) {
        RejectedEvent r = logged.rejected();
        try {
            JsonNode node = JSON.readTree(r.payload());
            if (!(node instanceof ObjectNode message)) {
                progress.stillRejected(r.code().wireName(), "the stored payload is not a JSON object (it may have been cut for size)");
                return null;
            }
            if (!message.hasNonNull("messageId")) {
                String position = logged.partition() + "/" + logged.offset();
                message.put("messageId", UUID.nameUUIDFromBytes(position.getBytes(StandardCharsets.UTF_8)).toString());
            }
            // the request's own sentAt is not kept, so clock-skew correction uses the message's fields only
            Event event = normalizer.normalize(message, null, new RequestMeta(r.project(), r.receivedAt(), r.ip(), r.userAgent()),
                    null, null);
            Verdict verdict = plans.check(event.project(), event.type(), event.event(), IngestService.checkedPayload(event));
            if (verdict.refuses()) {
                progress.stillRejected(verdict.outcome() == Verdict.Outcome.UNKNOWN_EVENT ? "unknown_event" : "schema_violation",
                        verdict.reason());
                return null;
            }
            return verdict.warns() ? ViolationRecord.attach(event, verdict) : event;
        } catch (TallyException e) {
            progress.stillRejected(e.code().wireName(), e.getMessage());
            return null;
        } catch (java.io.IOException e) {
            progress.stillRejected(r.code().wireName(), "the stored payload is not JSON (it may have been cut for size)");
            return null;
        }
    }

    private void flush(List<Event> pending, Progress progress) {
        if (!pending.isEmpty()) {
            log.append(pending, settings.appendTimeout());
            progress.replayed += pending.size();
            pending.clear();
        }
    }

    private static boolean reachedEnd(Map<LogPartition, Long> positions, Map<LogPartition, Long> end) {
        for (Map.Entry<LogPartition, Long> e : end.entrySet()) {
            if (positions.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** How far a replay got. {@code stillRejected} counts by code; {@code examples} keeps a reason per code. */
    public static final class Progress {
        long read;
        long replayed;
        boolean done;
        final Map<String, Long> stillRejected = new TreeMap<>();
        final Map<String, String> examples = new TreeMap<>();

        void stillRejected(String code, String reason) {
            stillRejected.merge(code, 1L, Long::sum);
            examples.putIfAbsent(code, reason);
        }

        Progress copy() {
            Progress copy = new Progress();
            copy.read = read;
            copy.replayed = replayed;
            copy.done = done;
            copy.stillRejected.putAll(stillRejected);
            copy.examples.putAll(examples);
            return copy;
        }

        /** Records of the dead-letter log read (all projects). */
        public long read() {
            return read;
        }

        public long replayed() {
            return replayed;
        }

        public boolean done() {
            return done;
        }

        public Map<String, Long> stillRejected() {
            return Map.copyOf(stillRejected);
        }

        public Map<String, String> examples() {
            return Map.copyOf(examples);
        }
    }
}
