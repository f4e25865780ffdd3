package io.tally.kafka;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.Event;
import io.tally.core.event.RejectedEvent;
import io.tally.core.spi.EventLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@link EventLog} on Kafka: an idempotent producer with {@code acks=all}, so an acknowledged event
 * is on every in-sync replica, and retries inside the producer never duplicate a record.
 *
 * <p>Back-pressure: a request first reserves its bytes from a bounded budget; when the broker is slow
 * or gone the budget runs out and requests are refused with {@code OVERLOADED} after a short wait,
 * instead of piling up in memory.
 */
public final class KafkaEventLog implements EventLog {
    private final KafkaSettings settings;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ByteBudget budget;
    private final Timer produceLatency;
    private final AtomicLong lastSuccessNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong lastFailureNanos = new AtomicLong(lastSuccessNanos.get() - 1);
    private final BrokerProbe probe;
    private volatile boolean closed;

    public KafkaEventLog(KafkaSettings settings, MeterRegistry metrics) {
        this.settings = requireNonNull(settings, "settings is null").validate();
        this.producer = new KafkaProducer<>(producerProperties(settings));
        this.budget = new ByteBudget(settings.inFlightBytes());
        this.probe = new BrokerProbe(settings.bootstrapServers());
        this.produceLatency = Timer.builder("tally.kafka.produce.latency")
                .description("Time from handing a request's events to Kafka until all are acknowledged")
                .publishPercentiles(0.5, 0.99)
                .register(metrics);
        metrics.gauge("tally.kafka.inflight.available.bytes", budget, ByteBudget::availableBytes);
    }

    static Properties producerProperties(KafkaSettings s) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, s.maxBlock().toMillis());
        long request = Math.min(s.deliveryTimeout().toMillis() - 10, 5_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) request);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) s.deliveryTimeout().toMillis());
        // our own budget bounds memory first; the producer's buffer only has to hold that much
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, s.inFlightBytes() + 8L * 1024 * 1024);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "tally-collector");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    @Override
    public void append(List<Event> events, Duration timeout) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.size());
        for (Event e : events) {
            records.add(new ProducerRecord<>(settings.eventsTopic(),
                    e.partitionKey().getBytes(StandardCharsets.UTF_8), EventCodec.encode(e)));
        }
        send(records, timeout);
    }

    @Override
    public void appendRejected(List<RejectedEvent> rejected, Duration timeout) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(rejected.size());
        for (RejectedEvent r : rejected) {
            byte[] key = r.project() == null ? null : r.project().getBytes(StandardCharsets.UTF_8);
            records.add(new ProducerRecord<>(settings.rejectedTopic(), key, EventCodec.encode(r)));
        }
        send(records, timeout);
    }

    private void send(List<ProducerRecord<byte[], byte[]>> records, Duration timeout) {
        if (records.isEmpty()) {
            return;
        }
        if (closed) {
            throw new TallyException(ErrorCode.LOG_UNAVAILABLE, "the event log is shutting down");
        }
        long bytes = 0;
        for (ProducerRecord<byte[], byte[]> r : records) {
            bytes += r.value().length + (r.key() == null ? 0 : r.key().length);
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int reserved = reserve(bytes);
        List<CompletableFuture<Void>> acks = new ArrayList<>(records.size());
        try {
            for (ProducerRecord<byte[], byte[]> record : records) {
                CompletableFuture<Void> ack = new CompletableFuture<>();
                producer.send(record, (metadata, error) -> {
                    if (error == null) {
                        ack.complete(null);
                    } else {
                        ack.completeExceptionally(error);
                    }
                });
                acks.add(ack);
                // when Kafka is unreachable, send() blocks up to max.block.ms for metadata and then fails
                // the record at once; stop there, or a batch of 100 would block 100 times in a row
                if (ack.isCompletedExceptionally() || System.nanoTime() - deadline > 0) {
                    releaseWhenDone(acks, reserved);
                    markFailure();
                    throw new TallyException(ErrorCode.LOG_UNAVAILABLE, "Kafka is unavailable: " + failureOf(ack));
                }
            }
        } catch (TallyException e) {
            throw e;
        } catch (RuntimeException e) {
            releaseWhenDone(acks, reserved);
            markFailure();
            throw new TallyException(ErrorCode.LOG_UNAVAILABLE, "Kafka is unavailable: " + e.getMessage(), e);
        }
        releaseWhenDone(acks, reserved);
        awaitAll(acks, timeout.minusNanos(System.nanoTime() - start));
        produceLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        lastSuccessNanos.set(System.nanoTime());
    }

    private static String failureOf(CompletableFuture<Void> ack) {
        if (!ack.isCompletedExceptionally()) {
            return "it did not acknowledge in time";
        }
        try {
            ack.join();
            return "unknown";
        } catch (java.util.concurrent.CompletionException e) {
            return String.valueOf(e.getCause().getMessage());
        }
    }

    private int reserve(long bytes) {
        try {
            int reserved = budget.tryAcquire(bytes, settings.budgetWait());
            if (reserved < 0) {
                throw new TallyException(ErrorCode.OVERLOADED,
                        "the collector's in-flight budget of " + settings.inFlightBytes() + " bytes is spent; retry later");
            }
            return reserved;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TallyException(ErrorCode.OVERLOADED, "interrupted while waiting for in-flight budget");
        }
    }

    /** The budget is freed when Kafka has answered for every record, not when the caller stops waiting. */
    private void releaseWhenDone(List<CompletableFuture<Void>> acks, int reserved) {
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                .whenComplete((ok, error) -> budget.release(reserved));
    }

    private void awaitAll(List<CompletableFuture<Void>> acks, Duration remaining) {
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, remaining.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            markFailure();
            throw new TallyException(ErrorCode.LOG_UNAVAILABLE, "Kafka did not acknowledge the events in time");
        } catch (ExecutionException e) {
            markFailure();
            throw new TallyException(ErrorCode.LOG_UNAVAILABLE,
                    "Kafka refused the events: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TallyException(ErrorCode.LOG_UNAVAILABLE, "interrupted while waiting for Kafka");
        }
    }

    private void markFailure() {
        lastFailureNanos.set(System.nanoTime());
    }

    /** Healthy when the last send succeeded and the cluster answers now (checked at most every 5 s). */
    @Override
    public boolean healthy() {
        return !closed && lastFailureNanos.get() - lastSuccessNanos.get() <= 0 && probe.reachable();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        probe.close();
        producer.close(Duration.ofSeconds(10));
    }
}
