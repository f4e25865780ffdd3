package io.tally.query.reference;

import io.tally.core.event.Event;
import io.tally.core.query.PropertyRef;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The text form of what a {@link PropertyRef} names in one event, or empty when it is absent. */
final class PropertyValues {
    private PropertyValues() {
    }

    static Optional<String> text(Event event, PropertyRef property) {
        if (property instanceof PropertyRef.EventName) {
            return Optional.of(event.event());
        }
        if (property instanceof PropertyRef.UserId) {
            return Optional.ofNullable(event.userId());
        }
        if (property instanceof PropertyRef.AnonymousId) {
            return Optional.ofNullable(event.anonymousId());
        }
        if (property instanceof PropertyRef.DistinctId) {
            // the event carries it already: "distinctId is userId, else anonymousId"
            return Optional.of(event.distinctId());
        }
        if (property instanceof PropertyRef.EventProperty p) {
            // "everything after properties. is the key, dots included": one level, never a path
            return JsonText.valueAt(event.properties(), List.of(p.key()));
        }
        if (property instanceof PropertyRef.ContextField c) {
            return JsonText.valueAt(event.context(), Arrays.asList(c.path().split("\\.")));
        }
        throw new IllegalArgumentException("unknown property reference " + property);
    }
}
