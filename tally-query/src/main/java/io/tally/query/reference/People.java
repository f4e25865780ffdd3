package io.tally.query.reference;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who did an event, as "People" in docs/queries.md defines it: the user id, else the user the
 * anonymous id is linked to, else the anonymous id.
 */
final class People {
    /** Anonymous id (or alias previousId) to the link that won for it. */
    private final Map<String, Link> links = new HashMap<>();

    /** @param projectEvents all of one project's events: "links are taken from all of the project's events, whatever the query's range" */
    People(List<Event> projectEvents) {
        for (Event event : projectEvents) {
            // "when identify, alias or any event carries both a userId and an anonymousId, that anonymous id belongs to that user"
            if (event.userId() != null && event.anonymousId() != null) {
                offer(event.anonymousId(), new Link(event.userId(), event.timestamp()));
            }
            // "an alias links its previousId to its userId"
            if (event.type() == EventType.ALIAS && event.previousId() != null && event.userId() != null) {
                offer(event.previousId(), new Link(event.userId(), event.timestamp()));
            }
        }
    }

    private void offer(String anonymousId, Link link) {
        links.merge(anonymousId, link, (a, b) -> a.winsOver(b) ? a : b);
    }

    /** "An event's person is its userId if it has one, else the user its anonymousId is linked to, else its anonymousId." */
    String personOf(Event event) {
        if (event.userId() != null) {
            return event.userId();
        }
        if (event.anonymousId() == null) {
            return event.distinctId();
        }
        // links "do not chain": one look-up, never followed further
        Link link = links.get(event.anonymousId());
        return link == null ? event.anonymousId() : link.userId();
    }

    private record Link(String userId, Instant at) {
        /** "the link made by the earliest event wins (equal times: the smaller user id)" */
        boolean winsOver(Link other) {
            int byTime = at.compareTo(other.at);
            return byTime != 0 ? byTime < 0 : userId.compareTo(other.userId) <= 0;
        }
    }
}
