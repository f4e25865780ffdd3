package io.tally.api.saved;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Ids of insights and dashboards: they appear in URLs and file contents, so they are kept to a safe
 * alphabet. New ones are random, so that two servers or two tabs never pick the same one.
 */
final class SavedIds {
    static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private SavedIds() {
    }

    static String check(String id) {
        if (id == null || !VALID.matcher(id).matches()) {
            throw new IllegalArgumentException("an id is 1-64 letters, digits, '-' or '_': " + id);
        }
        return id;
    }

    /** A new id: the prefix and 12 random characters (60 bits). */
    static String next(String prefix) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < 12; i++) {
            id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }
}
