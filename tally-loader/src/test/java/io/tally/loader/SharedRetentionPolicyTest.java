package io.tally.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.retention.Retention;
import io.tally.core.retention.RetentionPolicy;
import io.tally.core.spi.ConfigLog;
import java.time.Duration;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SharedRetentionPolicyTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final RetentionPolicy SHOP_KEEPS_TEN_YEARS = new RetentionPolicy(Retention.DEFAULT,
            Map.of("shop", new Retention(Period.ofYears(10), Period.ofYears(10)), "blog", Retention.parse("P90D/P1Y")));

    private final SharedLog log = new SharedLog();

    @Test
    void aLoaderWithoutRetentionOptionsEnforcesThePolicyAnotherLoaderWasGiven() {
        SharedRetentionPolicy withOptions = new SharedRetentionPolicy(log.reader());
        SharedRetentionPolicy without = new SharedRetentionPolicy(log.reader());
        assertThat(without.latest()).isEmpty();

        withOptions.publish(SHOP_KEEPS_TEN_YEARS, TIMEOUT);

        assertThat(without.latest()).contains(SHOP_KEEPS_TEN_YEARS);
        // and one started later replays it
        assertThat(new SharedRetentionPolicy(log.reader()).latest()).contains(SHOP_KEEPS_TEN_YEARS);
    }

    @Test
    void theLatestPublishedPolicyWinsAndAnUnreadableOneKeepsTheOneBefore() {
        SharedRetentionPolicy policy = new SharedRetentionPolicy(log.reader());
        policy.publish(SHOP_KEEPS_TEN_YEARS, TIMEOUT);
        RetentionPolicy shorter = RetentionPolicy.of(Retention.parse("P1Y/P2Y"));
        policy.publish(shorter, TIMEOUT);
        assertThat(policy.latest()).contains(shorter);

        log.append(SharedRetentionPolicy.KEY, "garbage", TIMEOUT);
        assertThat(policy.latest()).contains(shorter);
        // publishing the latest again writes nothing
        int records = log.records.size();
        policy.publish(shorter, TIMEOUT);
        assertThat(log.records).hasSize(records);
    }

    @Test
    void thePolicyTextRoundTrips() {
        assertThat(SharedRetentionPolicy.parse(SharedRetentionPolicy.text(SHOP_KEEPS_TEN_YEARS))).isEqualTo(SHOP_KEEPS_TEN_YEARS);
        assertThat(SharedRetentionPolicy.text(SHOP_KEEPS_TEN_YEARS)).isEqualTo("\tP2Y/P5Y\nblog\tP90D/P1Y\nshop\tP10Y/P10Y");
    }

    /** A config log in memory: every reader applies every record, in order, at once. */
    private static final class SharedLog {
        final List<ConfigLog.ConfigRecord> records = new ArrayList<>();
        final List<Consumer<ConfigLog.ConfigRecord>> appliers = new ArrayList<>();

        long append(String key, String value, Duration timeout) {
            ConfigLog.ConfigRecord record = new ConfigLog.ConfigRecord(records.size(), key, value);
            records.add(record);
            appliers.forEach(a -> a.accept(record));
            return record.position();
        }

        ConfigLog reader() {
            return new ConfigLog() {
                @Override
                public void open(Consumer<ConfigRecord> applier) {
                    records.forEach(applier);
                    appliers.add(applier);
                }

                @Override
                public long append(String key, String value, Duration timeout) {
                    return SharedLog.this.append(key, value, timeout);
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
