package io.tally.query.reference;

import io.tally.core.event.Event;
import io.tally.core.query.RecentEvent;
import io.tally.core.query.RecentEventsSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The live view's question over a list of events: see {@link io.tally.core.spi.QueryEngine#recentEvents}. */
final class ReferenceRecentEvents {
    private static final Comparator<Event> NEWEST_FIRST = Comparator.comparing(Event::receivedAt)
            .thenComparing(Event::timestamp).reversed();

    private ReferenceRecentEvents() {
    }

    /** {@code events} are the project's own, each message once. */
    static List<RecentEvent> recent(RecentEventsSpec spec, List<Event> events) {
        List<Event> selected = new ArrayList<>();
        for (Event e : events) {
            if (!e.timestamp().isBefore(spec.since())) {
                selected.add(e);
            }
        }
        selected.sort(NEWEST_FIRST);
        List<RecentEvent> recent = new ArrayList<>();
        for (Event e : selected.subList(0, Math.min(spec.limit(), selected.size()))) {
            recent.add(new RecentEvent(e.messageId(), e.type(), e.event(), e.distinctId(), e.userId(), e.anonymousId(),
                    micros(e.timestamp()), micros(e.receivedAt()), e.name(), JsonText.topLevel(e.properties())));
        }
        return recent;
    }

    /** Stores keep microseconds at most; so does the oracle, so that answers compare equal. */
    private static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }
}
