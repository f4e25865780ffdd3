package io.tally.collector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.core.event.Event;
import io.tally.schema.Verdict;

/**
 * Records schema violations with an event accepted in {@code warn} mode, where a user can find them:
 * in {@code context.violations} (a list of messages, as Segment Protocols does) and
 * {@code context.schema} (the version checked against). Filters on those context fields find the
 * events that need fixing.
 */
final class ViolationRecord {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ViolationRecord() {
    }

    static Event attach(Event event, Verdict verdict) {
        ObjectNode context;
        try {
            context = (ObjectNode) JSON.readTree(event.context());
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("the normalizer produced a context that is not a JSON object", e);
        }
        ArrayNode violations = context.putArray("violations");
        verdict.violations().forEach(violations::add);
        if (verdict.schema() != null) {
            context.put("schema", verdict.schema());
        }
        return new Event(event.project(), event.messageId(), event.type(), event.event(), event.distinctId(), event.userId(),
                event.anonymousId(), event.timestamp(), event.receivedAt(), event.sentAt(), event.originalTimestamp(),
                event.name(), event.groupId(), event.previousId(), event.properties(), event.traits(), context.toString(),
                event.ip(), event.userAgent());
    }
}
