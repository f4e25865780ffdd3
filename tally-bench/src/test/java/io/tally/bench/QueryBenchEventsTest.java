package io.tally.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.event.Event;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The query benchmark compares stores loaded in either order; that holds only if both orders give the same events. */
class QueryBenchEventsTest {
    private static List<Event> emitted(QueryBenchEvents events, QueryBenchEvents.Order order) {
        List<Event> out = new ArrayList<>();
        events.emit(order, out::add);
        return out;
    }

    @Test
    void timeOrderIsTheRandomOrderSortedByTime() {
        QueryBenchEvents events = QueryBenchEvents.draw(20_000, 500);
        List<Event> random = emitted(events, QueryBenchEvents.Order.RANDOM);
        List<Event> byTime = emitted(events, QueryBenchEvents.Order.TIME);

        assertThat(byTime).hasSameSizeAs(random).containsExactlyInAnyOrderElementsOf(random);
        assertThat(byTime).isSortedAccordingTo(Comparator.comparing(Event::timestamp));
        // more than the 20,000 drawn: each identified person's identify comes along
        assertThat(random.size()).isGreaterThan(20_000);
        assertThat(random.stream().map(Event::messageId).distinct().count()).isEqualTo(random.size());
    }

    @Test
    void theSameArgumentsDrawTheSameEvents() {
        assertThat(emitted(QueryBenchEvents.draw(5_000, 100), QueryBenchEvents.Order.RANDOM))
                .isEqualTo(emitted(QueryBenchEvents.draw(5_000, 100), QueryBenchEvents.Order.RANDOM));
    }
}
