package io.tally.kafka;

import static java.util.Objects.requireNonNull;

import io.tally.core.spi.LogPartition;
import io.tally.core.spi.LoggedRejection;
import io.tally.core.spi.RejectedEventReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RejectedEventReader} on the dead-letter topic. It assigns itself every partition instead of
 * joining a group: the readers (loader copy, replay) each need the whole topic from their own position.
 */
public final class KafkaRejectedReader implements RejectedEventReader {
    private static final Logger log = LoggerFactory.getLogger(KafkaRejectedReader.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;

    public KafkaRejectedReader(KafkaSettings settings, String clientId) {
        requireNonNull(settings, "settings is null").validate();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, requireNonNull(clientId, "clientId is null"));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(p);
        this.partitions = consumer.partitionsFor(settings.rejectedTopic(), Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
    }

    @Override
    public List<LogPartition> partitions() {
        return partitions.stream().map(KafkaRejectedReader::toLog).toList();
    }

    @Override
    public void seek(Map<LogPartition, Long> positions) {
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long next = positions.get(toLog(tp));
            if (next == null) {
                fromStart.add(tp);
            } else {
                consumer.seek(tp, next);
            }
        }
        consumer.seekToBeginning(fromStart);
    }

    @Override
    public void seek(Instant since) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = found.get(tp);
            // nothing at or after the time: start at the end, so nothing is read
            consumer.seek(tp, at != null ? at.offset() : ends.get(tp));
        }
    }

    @Override
    public Map<LogPartition, Long> endPositions() {
        Map<LogPartition, Long> out = new HashMap<>();
        consumer.endOffsets(partitions, Duration.ofSeconds(30)).forEach((tp, end) -> out.put(toLog(tp), end));
        return out;
    }

    @Override
    public Map<LogPartition, Long> positions() {
        Map<LogPartition, Long> out = new HashMap<>();
        partitions.forEach(tp -> out.put(toLog(tp), consumer.position(tp, Duration.ofSeconds(30))));
        return out;
    }

    @Override
    public List<LoggedRejection> poll(Duration timeout) {
        var records = consumer.poll(timeout);
        List<LoggedRejection> out = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            LogPartition partition = new LogPartition(r.topic(), r.partition());
            try {
                out.add(new LoggedRejection(EventCodec.decodeRejected(r.value()), partition, r.offset()));
            } catch (RuntimeException e) {
                // only a foreign writer puts such a record here; it stays in the topic
                log.error("skipping undecodable dead-letter record at {} offset {}: {}", partition, r.offset(), e.getMessage());
            }
        }
        return out;
    }

    private static LogPartition toLog(TopicPartition tp) {
        return new LogPartition(tp.topic(), tp.partition());
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
