package io.tally.kafka;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tally.core.event.Event;
import io.tally.core.spi.EventSource;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.LoggedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventSource} on a Kafka consumer group. Offsets committed to Kafka are informational (for lag
 * tools); the loader resumes from the positions its store recorded with the rows.
 */
public final class KafkaEventSource implements EventSource {
    private static final Logger log = LoggerFactory.getLogger(KafkaEventSource.class);

    private final KafkaSettings settings;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Counter undecodable;
    private Instant caughtUpAsOf;
    private long endOffsetsCheckedNanos = System.nanoTime();
    private long lastLag = -1;
    private boolean closed;

    public KafkaEventSource(KafkaSettings settings, MeterRegistry metrics) {
        this.settings = requireNonNull(settings, "settings is null").validate();
        this.undecodable = Counter.builder("tally.loader.records.undecodable")
                .description("Log records that could not be decoded and were skipped (left in the topic)").register(metrics);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.loaderGroup());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "tally-loader");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(p);
    }

    @Override
    public void open(Function<Set<LogPartition>, Map<LogPartition, Long>> resumeFrom, Consumer<Set<LogPartition>> beforeRelease) {
        consumer.subscribe(List.of(settings.eventsTopic()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                Set<LogPartition> revoked = new HashSet<>();
                partitions.forEach(tp -> revoked.add(toLog(tp)));
                beforeRelease.accept(revoked);
                log.info("loader releases {}", revoked);
            }

            /** Lost without a chance to release (this loader was too slow and left the group): the same. */
            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                onPartitionsRevoked(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                Set<LogPartition> assigned = new HashSet<>();
                partitions.forEach(tp -> assigned.add(toLog(tp)));
                Map<LogPartition, Long> stored = resumeFrom.apply(assigned);
                List<TopicPartition> fromStart = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    Long next = stored.get(toLog(tp));
                    if (next == null) {
                        // nothing of this partition was ever stored: read everything still retained
                        fromStart.add(tp);
                    } else {
                        consumer.seek(tp, next);
                    }
                }
                if (!fromStart.isEmpty()) {
                    consumer.seekToBeginning(fromStart);
                }
                log.info("loader assigned {}; resuming from stored positions {}", assigned, stored);
            }
        });
    }

    @Override
    public List<LoggedEvent> poll(Duration timeout) {
        try {
            var records = consumer.poll(timeout);
            List<LoggedEvent> events = new ArrayList<>(records.count());
            for (ConsumerRecord<byte[], byte[]> r : records) {
                LogPartition partition = new LogPartition(r.topic(), r.partition());
                try {
                    Event event = EventCodec.decode(r.value());
                    events.add(new LoggedEvent(event, partition, r.offset()));
                } catch (RuntimeException e) {
                    // only a foreign writer can put such a record here; it stays in the topic for inspection
                    undecodable.increment();
                    log.error("skipping undecodable record at {} offset {}: {}", partition, r.offset(), e.getMessage());
                }
            }
            return events;
        } catch (WakeupException e) {
            return List.of();
        }
    }

    @Override
    public void markStored(Map<LogPartition, Long> nextOffsets) {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        nextOffsets.forEach((p, next) -> commits.put(new TopicPartition(p.topic(), p.partition()), new OffsetAndMetadata(next)));
        consumer.commitAsync(commits, (offsets, error) -> {
            if (error != null) {
                log.debug("informational offset commit failed: {}", error.getMessage());
            }
        });
    }

    /**
     * Events after the read position. Between polls the consumer's own figure goes stale, which matters
     * most when the loader is stuck retrying a store that is down: so at most once a second the broker's
     * end offsets are asked for directly (bounded at one second; on failure the last figure stays).
     */
    @Override
    public Optional<Instant> caughtUpAsOf() {
        return Optional.ofNullable(caughtUpAsOf);
    }

    @Override
    public long lag() {
        long now = System.nanoTime();
        if (now - endOffsetsCheckedNanos >= 1_000_000_000L) {
            endOffsetsCheckedNanos = now;
            // taken before asking: a record acknowledged before this instant is within the end offsets
            Instant askedAt = Instant.now();
            try {
                Set<TopicPartition> assigned = consumer.assignment();
                Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(1));
                long total = 0;
                for (TopicPartition tp : assigned) {
                    total += Math.max(0, ends.getOrDefault(tp, 0L) - consumer.position(tp, Duration.ofSeconds(1)));
                }
                lastLag = total;
                if (total == 0 && !assigned.isEmpty()) {
                    caughtUpAsOf = askedAt;
                }
                return total;
            } catch (RuntimeException e) {
                log.debug("end offsets unavailable: {}", e.getMessage());
                return lastLag;
            }
        }
        long total = 0;
        for (TopicPartition tp : consumer.assignment()) {
            var lag = consumer.currentLag(tp);
            if (lag.isEmpty()) {
                return lastLag;
            }
            total += lag.getAsLong();
        }
        lastLag = total;
        return total;
    }

    @Override
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        consumer.close(Duration.ofSeconds(5));
    }

    private static LogPartition toLog(TopicPartition tp) {
        return new LogPartition(tp.topic(), tp.partition());
    }
}
