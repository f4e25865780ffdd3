package io.tally.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoTimestampsTest {
    @ParameterizedTest
    @ValueSource(strings = {"2026-01-31T12:34:56Z", "2026-01-31T12:34:56.7Z", "2026-01-31T12:34:56.789Z",
            "2026-01-31T12:34:56.123456789Z", "2026-03-29T01:30:00+02:00", "1999-12-31T23:59:59.5-05:30",
            "2024-02-29T00:00:00Z"})
    void agreesWithTheJdkOnCommonForms(String text) {
        assertThat(IsoTimestamps.parse(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-31", "2026-01-31T12:34:56", "2026-02-30T00:00:00Z", "2026-01-31T24:00:00Z",
            "2026-01-31T12:34:56.Z", "2026-01-31T12:34:56.1234567891Z", "2026-01-31T12:34:56+0100", "2026-01-31 12:34:56Z",
            "20x6-01-31T12:34:56Z", "2026-01-31T12:34:56Zjunk"})
    void leavesEverythingElseToTheFullParser(String text) {
        assertThat(IsoTimestamps.parse(text)).isNull();
    }

    @Test
    void fullParserStillAcceptsFormsTheFastOneSkips() {
        assertThat(EventNormalizer.parseTime("2026-01-31T12:34:56", "timestamp"))
                .isEqualTo(OffsetDateTime.parse("2026-01-31T12:34:56Z").toInstant());
    }
}
