package io.tally.core.project;

import java.util.Optional;

/** Finds projects by id or key. Implementations must be thread-safe. */
public interface ProjectDirectory {
    Optional<Project> byId(String id);

    Optional<Project> byWriteKey(String writeKey);

    Optional<Project> byReadKey(String readKey);
}
