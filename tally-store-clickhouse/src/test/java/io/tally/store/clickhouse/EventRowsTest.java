package io.tally.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written DateTime text of {@link EventRows}, against java.time's formatter. */
class EventRowsTest {
    private static final DateTimeFormatter EXPECTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Test
    void dateTimesReadAsJavaTimeWritesThemOverTheWholeStorableRange() {
        SplittableRandom random = new SplittableRandom(7);
        long first = EventRows.MIN_DATE_TIME.getEpochSecond();
        long last = EventRows.MAX_DATE_TIME.getEpochSecond();
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(first, last + 1), random.nextInt(1_000_000_000));
            assertThat(EventRows.dateTime(instant)).as("%s", instant).isEqualTo(EXPECTED.format(instant));
        }
        for (String edge : new String[] {"1970-01-01T00:00:00Z", "2000-02-29T23:59:59.999Z", "2024-12-31T23:59:59Z", "2105-12-31T23:59:59Z"}) {
            assertThat(EventRows.dateTime(Instant.parse(edge))).isEqualTo(EXPECTED.format(Instant.parse(edge)));
        }
    }

    @Test
    void instantsOutsideTheStorableRangeArePinnedAndNullStaysNull() {
        assertThat(EventRows.dateTime(Instant.parse("1969-12-31T23:59:59Z"))).isEqualTo("1970-01-01 00:00:00");
        assertThat(EventRows.dateTime(Instant.parse("2300-01-01T00:00:00Z"))).isEqualTo("2105-12-31 23:59:59");
        assertThat(EventRows.dateTime(null)).isNull();
    }
}
