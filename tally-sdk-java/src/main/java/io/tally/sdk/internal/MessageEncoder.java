package io.tally.sdk.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.tally.sdk.TallyMessage;
import java.time.Instant;
import java.time.temporal.Temporal;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a {@link TallyMessage} into its wire JSON, once, and enforces the per-message size limit. */
public final class MessageEncoder {
    private static final Map<String, Object> LIBRARY = Map.of("name", SdkInfo.NAME, "version", SdkInfo.VERSION);

    private final ObjectMapper mapper;

    public MessageEncoder() {
        // Without the jsr310 module (not a dependency) Jackson cannot write java.time values;
        // their toString() is ISO-8601, which is what the server expects.
        SimpleModule javaTime = new SimpleModule("tally-java-time");
        javaTime.addSerializer(Temporal.class, ToStringSerializer.instance);
        this.mapper = new ObjectMapper()
                .registerModule(javaTime)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /**
     * @throws IllegalArgumentException when a value cannot be written as JSON or the message is
     *                                  larger than {@link ClientSettings#MAX_MESSAGE_BYTES}
     */
    public EncodedMessage encode(TallyMessage message, String messageId, Instant timestamp) {
        requireNonNull(message, "message is null");
        requireNonNull(messageId, "messageId is null");
        requireNonNull(timestamp, "timestamp is null");
        byte[] json = write(toTree(message, messageId, timestamp));
        if (json.length > ClientSettings.MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("the " + message.type().wireName() + " message is " + json.length
                    + " bytes as JSON; the limit is " + ClientSettings.MAX_MESSAGE_BYTES + " bytes");
        }
        return new EncodedMessage(messageId, json);
    }

    private static Map<String, Object> toTree(TallyMessage message, String messageId, Instant timestamp) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("type", message.type().wireName());
        tree.put("messageId", messageId);
        tree.put("timestamp", IsoTime.format(timestamp));
        message.userId().ifPresent(id -> tree.put("userId", id));
        message.anonymousId().ifPresent(id -> tree.put("anonymousId", id));
        switch (message.type()) {
            case TRACK -> {
                tree.put("event", message.event().orElseThrow());
                tree.put("properties", message.properties());
            }
            case PAGE, SCREEN -> {
                tree.put("name", message.name().orElseThrow());
                tree.put("properties", message.properties());
            }
            case IDENTIFY -> tree.put("traits", message.traits());
            case GROUP -> {
                tree.put("groupId", message.groupId().orElseThrow());
                tree.put("traits", message.traits());
            }
            case ALIAS -> tree.put("previousId", message.previousId().orElseThrow());
        }
        Map<String, Object> context = new LinkedHashMap<>(message.context());
        context.put("library", LIBRARY); // ours wins: the server relies on it to know the sender
        tree.put("context", context);
        return tree;
    }

    private byte[] write(Map<String, Object> tree) {
        try {
            return mapper.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the message cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
