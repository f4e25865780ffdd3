package io.tally.collector.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A syntactically valid ingestion request.
 *
 * @param writeKey the {@code writeKey} field of the body, or null
 * @param sentAt the batch's {@code sentAt} text, or null
 * @param context the batch's {@code context} object, merged under each message's own, or null
 */
public record ParsedRequest(String writeKey, String sentAt, JsonNode context, List<RawMessage> messages) {
    public ParsedRequest {
        messages = List.copyOf(messages);
    }
}
