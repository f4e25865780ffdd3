package io.tally.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MessageBufferTest {
    private static final Duration NEVER = Duration.ofHours(1);

    @Test
    void takesAtMostFlushAtMessagesInOrder() throws Exception {
        MessageBuffer buffer = new MessageBuffer(1_000_000, 10, 100_000, NEVER);
        for (int i = 0; i < 25; i++) {
            assertThat(buffer.offer(message("m" + i, 50), 0)).isEqualTo(MessageBuffer.OfferResult.ACCEPTED);
        }

        MessageBuffer.Batch first = buffer.nextBatch().orElseThrow();
        MessageBuffer.Batch second = buffer.nextBatch().orElseThrow();

        assertThat(first.messages()).extracting(EncodedMessage::messageId).startsWith("m0").endsWith("m9").hasSize(10);
        assertThat(first.lastSeq()).isEqualTo(10);
        assertThat(second.lastSeq()).isEqualTo(20);
    }

    @Test
    void takesAsManyMessagesAsFitIntoMaxBatchBytes() throws Exception {
        MessageBuffer buffer = new MessageBuffer(1_000_000, 100, 40_000, NEVER);
        for (int i = 0; i < 4; i++) {
            buffer.offer(message("m" + i, 12_000), 0);
        }

        MessageBuffer.Batch batch = buffer.nextBatch().orElseThrow();

        assertThat(batch.messages()).hasSize(3);
        assertThat(BatchBody.sizeOf(3, batch.bytes())).isLessThanOrEqualTo(40_000);
    }

    @Test
    void boundsBytesUntilTheBatchInFlightIsCompleted() throws Exception {
        MessageBuffer buffer = new MessageBuffer(40_000, 1, 40_000, NEVER);
        buffer.offer(message("a", 15_000), 0);
        buffer.offer(message("b", 15_000), 0);
        MessageBuffer.Batch inFlight = buffer.nextBatch().orElseThrow();

        assertThat(buffer.offer(message("c", 15_000), 0)).isEqualTo(MessageBuffer.OfferResult.FULL);

        buffer.complete(inFlight);
        assertThat(buffer.offer(message("c", 15_000), 0)).isEqualTo(MessageBuffer.OfferResult.ACCEPTED);
    }

    @Test
    void aFlushMakesAPartialBatchDueAndIsCompleteOnceItsBatchIs() throws Exception {
        MessageBuffer buffer = new MessageBuffer(1_000_000, 100, 100_000, NEVER);
        buffer.offer(message("a", 10), 0);
        buffer.offer(message("b", 10), 0);

        long target = buffer.requestFlush();
        MessageBuffer.Batch batch = buffer.nextBatch().orElseThrow();
        assertThat(buffer.awaitCompleted(target, 0)).isFalse();
        buffer.complete(batch);

        assertThat(batch.messages()).hasSize(2);
        assertThat(buffer.awaitCompleted(target, 0)).isTrue();
    }

    @Test
    void afterCloseItRefusesMessagesAndDrainsWhatIsLeft() throws Exception {
        MessageBuffer buffer = new MessageBuffer(1_000_000, 100, 100_000, NEVER);
        buffer.offer(message("a", 10), 0);
        buffer.close();

        assertThat(buffer.offer(message("b", 10), Duration.ofSeconds(5).toNanos())).isEqualTo(MessageBuffer.OfferResult.CLOSED);
        assertThat(buffer.nextBatch()).hasValueSatisfying(batch -> assertThat(batch.messages()).hasSize(1));
        assertThat(buffer.nextBatch()).isEmpty();
        assertThat(buffer.acceptedCount()).isEqualTo(1);
    }

    @Test
    void takeAllEmptiesTheQueueRegardlessOfLimits() {
        MessageBuffer buffer = new MessageBuffer(1_000_000, 2, 40_000, NEVER);
        for (int i = 0; i < 5; i++) {
            buffer.offer(message("m" + i, 12_000), 0);
        }

        MessageBuffer.Batch all = buffer.takeAll().orElseThrow();
        buffer.complete(all);

        assertThat(all.messages()).hasSize(5);
        assertThat(all.lastSeq()).isEqualTo(5);
        assertThat(buffer.takeAll()).isEmpty();
    }

    static EncodedMessage message(String id, int bytes) {
        byte[] json = new byte[bytes];
        Arrays.fill(json, (byte) 'x');
        byte[] prefix = id.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(prefix, 0, json, 0, Math.min(prefix.length, bytes));
        return new EncodedMessage(id, json);
    }
}
