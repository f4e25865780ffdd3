package io.tally.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.store.clickhouse.ClickHousePeople.Links;
import org.junit.jupiter.api.Test;

class ClickHousePeopleTest {
    @Test
    void countingAnonymousEventsOnlyUpToTheBoundChoosesAsCountingThemAll() {
        for (long linkRows = 0; linkRows <= 300; linkRows++) {
            long bound = Links.anonymousEventsForAll(Math.max(linkRows, 1));
            for (long anonymous = 0; anonymous <= 400; anonymous++) {
                assertThat(Links.choose(Math.min(anonymous, bound), linkRows))
                        .as("%d anonymous events, %d link rows", anonymous, linkRows)
                        .isEqualTo(Links.choose(anonymous, linkRows));
            }
        }
    }

    @Test
    void linksAreReadWholeFromHalfAsManyAnonymousEventsOn() {
        assertThat(Links.choose(0, 10)).isEqualTo(Links.NONE);
        assertThat(Links.choose(5, 0)).isEqualTo(Links.NONE);
        assertThat(Links.choose(4, 10)).isEqualTo(Links.NEEDED);
        assertThat(Links.choose(5, 10)).isEqualTo(Links.ALL);
        assertThat(Links.choose(5, 11)).isEqualTo(Links.NEEDED);
        assertThat(Links.choose(6, 11)).isEqualTo(Links.ALL);
        assertThat(Links.anonymousEventsForAll(10)).isEqualTo(5);
        assertThat(Links.anonymousEventsForAll(11)).isEqualTo(6);
    }
}
