package io.tally.store.duckdb;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which identity links a write must still offer to {@code person_links} (see {@link DuckDbPeople}). In
 * a steady stream nearly every event of a logged-in user carries the same anonymous id and user id
 * as the ones before it, and upserting those unchanged links doubled the cost of a write (15 ms to 32
 * ms per 1,000 events, measured). So the store remembers, for recently seen anonymous ids, a link
 * that is no earlier than the stored one, and leaves out every candidate that is no earlier than it:
 * such a candidate cannot change the stored minimum.
 *
 * <p>A remembered link is an upper bound on the stored one: it is remembered only after its write
 * committed, and the store then holds it or an earlier one. Retention can make stored links later
 * (it deletes the earliest and derives them again), so it calls {@link #forget}.
 */
final class KnownLinks {
    /** About 100 bytes each: tens of MB at most, and a miss only costs the upsert the write did anyway. */
    static final int CAPACITY = 200_000;

    /** A link as (project, anonymous id) to (time in microseconds, user id). */
    record Link(String project, String anon, long linkedAt, String uid) {
        /** Whether this link comes first: earlier, or at the same time to the smaller user id. */
        boolean isBefore(Link other) {
            return linkedAt < other.linkedAt || (linkedAt == other.linkedAt && uid.compareTo(other.uid) < 0);
        }

        String key() {
            return project + '\u0000' + anon;
        }
    }

    private final Map<String, Link> recent = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Link> eldest) {
            return size() > CAPACITY;
        }
    };

    /** The links the events make ("People" in docs/queries.md) that could still change a stored one. */
    synchronized List<Link> candidates(List<Event> events) {
        List<Link> candidates = new ArrayList<>();
        for (Event e : events) {
            if (e.userId() == null) {
                continue;
            }
            long linkedAt = Math.addExact(Math.multiplyExact(e.timestamp().getEpochSecond(), 1_000_000L), e.timestamp().getNano() / 1_000);
            if (e.anonymousId() != null) {
                offer(candidates, new Link(e.project(), e.anonymousId(), linkedAt, e.userId()));
            }
            if (e.type() == EventType.ALIAS && e.previousId() != null) {
                offer(candidates, new Link(e.project(), e.previousId(), linkedAt, e.userId()));
            }
        }
        return candidates;
    }

    private void offer(List<Link> candidates, Link link) {
        Link known = recent.get(link.key());
        if (known == null || link.isBefore(known)) {
            candidates.add(link);
        }
    }

    /** After the write of {@code written} committed: each is now an upper bound on its stored link. */
    synchronized void remember(List<Link> written) {
        for (Link link : written) {
            Link known = recent.get(link.key());
            if (known == null || link.isBefore(known)) {
                recent.put(link.key(), link);
            }
        }
    }

    /** Stored links may have moved later: nothing remembered is a bound any more. */
    synchronized void forget() {
        recent.clear();
    }
}
