package io.tally.kafka;

import static java.util.Objects.requireNonNull;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.spi.ConfigLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ConfigLog} on a one-partition topic kept forever ({@link #TOPIC}): one partition gives every
 * process the same order; a reader thread per process applies each record as it arrives. Positions are
 * the records' offsets, so "applied up to" is a single number to wait on.
 */
public final class KafkaConfigLog implements ConfigLog {
    public static final String TOPIC = "tally.config";
    private static final Logger log = LoggerFactory.getLogger(KafkaConfigLog.class);
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    private final KafkaSettings settings;
    private final Duration startTimeout;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Object progress = new Object();
    /** The next offset to apply; guarded by {@link #progress}. */
    private long nextToApply;
    private Thread reader;
    private volatile boolean closed;

    public KafkaConfigLog(KafkaSettings settings, Duration startTimeout) {
        this.settings = requireNonNull(settings, "settings is null").validate();
        this.startTimeout = requireNonNull(startTimeout, "startTimeout is null");
        Properties producerProps = KafkaEventLog.producerProperties(settings);
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "tally-config-writer");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(producerProps);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "tally-config-reader");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(p);
    }

    @Override
    public void open(Consumer<ConfigRecord> applier) {
        requireNonNull(applier, "applier is null");
        consumer.assign(List.of(PARTITION));
        consumer.seekToBeginning(List.of(PARTITION));
        long end = consumer.endOffsets(List.of(PARTITION), startTimeout).get(PARTITION);
        reader = new Thread(() -> readLoop(applier), "tally-config-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            awaitApplied(end, startTimeout);
        } catch (TallyException e) {
            throw new IllegalStateException("the config topic " + TOPIC + " was not read to its end (" + end
                    + " records) within " + startTimeout.toSeconds() + " s", e);
        }
        log.info("applied {} config records from {}", end, TOPIC);
    }

    private void readLoop(Consumer<ConfigRecord> applier) {
        while (!closed) {
            try {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && r.value() != null) {
                        applier.accept(new ConfigRecord(r.offset(), new String(r.key(), StandardCharsets.UTF_8),
                                new String(r.value(), StandardCharsets.UTF_8)));
                    }
                    synchronized (progress) {
                        nextToApply = r.offset() + 1;
                        progress.notifyAll();
                    }
                }
            } catch (WakeupException e) {
                // close() asked us to stop
            } catch (RuntimeException e) {
                if (!closed) {
                    log.warn("reading {} failed, retrying: {}", TOPIC, e.getMessage());
                    sleepQuietly();
                }
            }
        }
    }

    @Override
    public long append(String key, String value, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long offset;
        try {
            offset = producer.send(new ProducerRecord<>(TOPIC, 0, key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8))).get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TallyException(ErrorCode.LOG_UNAVAILABLE, "interrupted while writing to " + TOPIC, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new TallyException(ErrorCode.LOG_UNAVAILABLE, "Kafka did not take the change within " + timeout.toMillis()
                    + " ms; try again", e);
        }
        awaitApplied(offset + 1, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        return offset;
    }

    private void awaitApplied(long next, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (nextToApply < next) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    throw new TallyException(ErrorCode.LOG_UNAVAILABLE, "the change is in Kafka but was not read back within "
                            + timeout.toMillis() + " ms; it will apply shortly");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TallyException(ErrorCode.LOG_UNAVAILABLE, "interrupted while waiting for " + TOPIC, e);
                }
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        consumer.wakeup();
        if (reader != null) {
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (reader == null || !reader.isAlive()) {
            consumer.close(Duration.ofSeconds(2));
        }
        producer.close(Duration.ofSeconds(2));
        synchronized (progress) {
            progress.notifyAll();
        }
    }
}
