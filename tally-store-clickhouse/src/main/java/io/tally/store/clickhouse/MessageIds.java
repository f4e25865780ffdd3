package io.tally.store.clickhouse;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Message ids as ClickHouse's 16-byte {@code UUID}, a third of a typical id's text and fixed-width.
 *
 * <p>Most SDKs send a UUID; that is stored as is. Any other id (Segment allows any string) is mapped to
 * a name-based UUID of its text, and the text is kept in {@code message_key} so nothing is lost. Two
 * different ids could meet on one UUID only by an MD5 collision, which is not a practical concern
 * for ids chosen by honest clients.
 */
final class MessageIds {
    private static final Pattern CANONICAL = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private MessageIds() {
    }

    /** The UUID text an id is stored under. */
    static String uuid(String messageId) {
        if (isCanonicalUuid(messageId)) {
            return messageId;
        }
        return UUID.nameUUIDFromBytes(ClickHouseSql.wellFormed(messageId).getBytes(UTF_8)).toString();
    }

    /** The id's text when the UUID alone does not give it back, else empty. */
    static String keyUnlessUuid(String messageId) {
        return isCanonicalUuid(messageId) ? "" : messageId;
    }

    /** Only the lower-case form round-trips: ClickHouse prints UUIDs in lower case. */
    private static boolean isCanonicalUuid(String id) {
        return id.length() == 36 && CANONICAL.matcher(id).matches();
    }
}
