package io.tally.collector.parse;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One message as received, before validation.
 *
 * @param index its position in the request (0 for single-event endpoints)
 * @param bytes its size in the request body, for the per-event limit
 */
public record RawMessage(int index, JsonNode node, int bytes) {
}
