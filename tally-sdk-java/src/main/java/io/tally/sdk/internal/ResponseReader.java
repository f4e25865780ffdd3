package io.tally.sdk.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the collector's answer to a batch: which status means retry, and which messages were
 * rejected. Servers that answer 2xx without per-event results (plain Segment-compatible ones)
 * are taken to have accepted everything.
 */
public final class ResponseReader {
    /** A server's Retry-After is honoured up to this, so a wrong header cannot stall delivery for hours. */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);
    private static final int MAX_REASON_CHARS = 300;

    private final ObjectMapper mapper = new ObjectMapper();

    public SendResult read(int status, Optional<String> retryAfterHeader, byte[] body, List<EncodedMessage> batch) {
        if (status >= 200 && status < 300) {
            return new SendResult.Delivered(rejections(body, batch));
        }
        String reason = "HTTP " + status + describe(body);
        if (status == 408 || status == 429 || status >= 500) {
            return new SendResult.Retryable(reason, retryAfterHeader.map(ResponseReader::parseRetryAfter).orElse(Duration.ZERO));
        }
        return new SendResult.Fatal(reason);
    }

    /** Delay-seconds form only; anything else (such as an HTTP date) is ignored rather than guessed at. */
    static Duration parseRetryAfter(String header) {
        String value = header.trim();
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
            return Duration.ZERO;
        }
        Duration wait = Duration.ofSeconds(Long.parseLong(value));
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }

    private List<SendResult.Rejection> rejections(byte[] body, List<EncodedMessage> batch) {
        JsonNode results = parse(body).map(root -> root.path("results")).orElse(null);
        if (results == null || !results.isArray()) {
            return List.of();
        }
        List<SendResult.Rejection> rejections = new ArrayList<>();
        for (JsonNode result : results) {
            if (!"rejected".equals(result.path("status").asText())) {
                continue;
            }
            messageIdOf(result, batch).ifPresent(id -> rejections.add(new SendResult.Rejection(
                    id,
                    result.path("error").path("code").asText("rejected"),
                    result.path("error").path("message").asText(""))));
        }
        return rejections;
    }

    // The server echoes the messageId; the index is the fallback for servers that only give that.
    private static Optional<String> messageIdOf(JsonNode result, List<EncodedMessage> batch) {
        if (result.path("messageId").isTextual()) {
            return Optional.of(result.get("messageId").asText());
        }
        int index = result.path("index").asInt(-1);
        return index >= 0 && index < batch.size() ? Optional.of(batch.get(index).messageId()) : Optional.empty();
    }

    // Prefer the documented error shape {"error":{"code","message"}}; otherwise show the start of the body.
    private String describe(byte[] body) {
        Optional<JsonNode> error = parse(body).map(root -> root.path("error")).filter(JsonNode::isObject);
        if (error.isPresent()) {
            return ": " + error.get().path("code").asText("error") + ": " + error.get().path("message").asText("");
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return "";
        }
        return ": " + (text.length() > MAX_REASON_CHARS ? text.substring(0, MAX_REASON_CHARS) + "..." : text);
    }

    private Optional<JsonNode> parse(byte[] body) {
        if (body.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(mapper.readTree(body));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
