package io.tally.core.event;

import java.util.Locale;
import java.util.Optional;

/** The Segment message types. */
public enum EventType {
    TRACK, IDENTIFY, PAGE, SCREEN, GROUP, ALIAS;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<EventType> fromWireName(String name) {
        for (EventType type : values()) {
            if (type.wireName().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /**
     * The event name stored for messages that have none of their own, so that every row can be
     * counted by name: {@code $identify}, {@code $page}, ...
     */
    public String syntheticEventName() {
        return "$" + wireName();
    }
}
