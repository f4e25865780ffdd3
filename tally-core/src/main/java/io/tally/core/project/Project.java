package io.tally.core.project;

import static java.util.Objects.requireNonNull;

import java.time.ZoneId;

/**
 * A project: the unit of data separation. Events are written with its write key and read with its
 * read key; the two are different so that a key shipped in a web page cannot read data.
 */
public record Project(String id, String writeKey, String readKey, ZoneId timezone) {
    public Project {
        requireNonNull(id, "id is null");
        requireNonNull(writeKey, "writeKey is null");
        requireNonNull(readKey, "readKey is null");
        requireNonNull(timezone, "timezone is null");
        if (!id.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
            throw new IllegalArgumentException("project id must be 1-63 lower-case letters, digits, '-' or '_': " + id);
        }
        if (writeKey.equals(readKey)) {
            throw new IllegalArgumentException("project " + id + ": write key and read key must differ");
        }
    }
}
