package io.tally.server;

import io.tally.core.project.Project;
import io.tally.core.project.ProjectDirectory;
import java.util.List;
import java.util.Optional;

/** A fixed list of projects, known at start. */
final class StaticProjectDirectory implements ProjectDirectory {
    private final List<Project> projects;

    StaticProjectDirectory(List<Project> projects) {
        this.projects = List.copyOf(projects);
    }

    @Override
    public Optional<Project> byId(String id) {
        return projects.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    @Override
    public Optional<Project> byWriteKey(String writeKey) {
        return projects.stream().filter(p -> constantTimeEquals(p.writeKey(), writeKey)).findFirst();
    }

    @Override
    public Optional<Project> byReadKey(String readKey) {
        return projects.stream().filter(p -> constantTimeEquals(p.readKey(), readKey)).findFirst();
    }

    /** Keys are secrets: comparing them must not leak how many leading characters matched. */
    private static boolean constantTimeEquals(String a, String b) {
        return b != null && java.security.MessageDigest.isEqual(
                a.getBytes(java.nio.charset.StandardCharsets.UTF_8), b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
