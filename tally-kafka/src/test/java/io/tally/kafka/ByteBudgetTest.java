package io.tally.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ByteBudgetTest {
    @Test
    void refusesWhatDoesNotFitAfterWaitingAndTakesItBackOnRelease() throws InterruptedException {
        ByteBudget budget = new ByteBudget(1024 * 1024);
        int first = budget.tryAcquire(600 * 1024, Duration.ofMillis(10));
        assertThat(first).isPositive();
        assertThat(budget.tryAcquire(600 * 1024, Duration.ofMillis(50))).isEqualTo(-1);
        budget.release(first);
        assertThat(budget.tryAcquire(600 * 1024, Duration.ofMillis(10))).isPositive();
    }

    @Test
    void aRequestLargerThanTheWholeBudgetStillFitsAlone() throws InterruptedException {
        ByteBudget budget = new ByteBudget(1024 * 1024);
        int reserved = budget.tryAcquire(5L * 1024 * 1024, Duration.ofMillis(10));
        assertThat(reserved).isPositive();
        assertThat(budget.availableBytes()).isZero();
    }
}
