package io.tally.store.clickhouse;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.UUID;

/**
 * Message ids as ClickHouse's 16-byte {@code UUID}, a third of a typical id's text and fixed-width.
 *
 * <p>Most SDKs send a UUID; that is stored as is. Any other id (Segment allows any string) is mapped to
 * a name-based UUID of its text, and the text is kept in {@code message_key} so nothing is lost. Two
 * different ids could meet on one UUID only by an MD5 collision, which is not a practical concern
 * for ids chosen by honest clients.
 */
final class MessageIds {
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

    /**
     * Only the lower-case form round-trips: ClickHouse prints UUIDs in lower case. A loop rather than a
     * regular expression: the loader asks this for every event.
     */
    private static boolean isCanonicalUuid(String id) {
        if (id.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23) ? c == '-' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
