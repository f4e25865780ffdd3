package io.tally.sdk.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The request body {@code {"batch":[...],"sentAt":"..."}}, assembled from already-serialized
 * messages so that a retry re-sends exactly the same message bytes; only {@code sentAt} changes.
 */
public final class BatchBody {
    private static final byte[] PREFIX = "{\"batch\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SENT_AT = "],\"sentAt\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUFFIX = "\"}".getBytes(StandardCharsets.US_ASCII);

    /** Bytes of the body besides the messages and their commas, with room to spare for the timestamp. */
    public static final int ENVELOPE_BYTES = PREFIX.length + SENT_AT.length + SUFFIX.length + 32;

    private BatchBody() {}

    /** The uncompressed size of a body holding {@code count} messages of {@code messageBytes} in total. */
    public static long sizeOf(int count, long messageBytes) {
        return ENVELOPE_BYTES + messageBytes + Math.max(0, count - 1);
    }

    public static byte[] encode(List<EncodedMessage> messages, Instant sentAt) {
        long messageBytes = messages.stream().mapToLong(EncodedMessage::sizeBytes).sum();
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) sizeOf(messages.size(), messageBytes));
        out.writeBytes(PREFIX);
        for (int i = 0; i < messages.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(messages.get(i).json());
        }
        out.writeBytes(SENT_AT);
        out.writeBytes(IsoTime.format(sentAt).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(SUFFIX);
        return out.toByteArray();
    }

    public static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
            gzip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip into memory failed", e); // cannot happen with a byte array
        }
        return out.toByteArray();
    }
}
