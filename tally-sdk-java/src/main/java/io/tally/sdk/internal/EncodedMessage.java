package io.tally.sdk.internal;

import static java.util.Objects.requireNonNull;

/**
 * A message serialized once, at the call: its JSON is what every attempt sends, byte for byte,
 * and its length is what the buffer and batch limits count.
 */
public record EncodedMessage(String messageId, byte[] json) {

    public EncodedMessage {
        requireNonNull(messageId, "messageId is null");
        requireNonNull(json, "json is null");
    }

    public int sizeBytes() {
        return json.length;
    }
}
