package io.tally.api.saved;

/**
 * Where saved insights and dashboards live, one {@link ProjectLibrary} per project, read and written
 * whole. Tally keeps them in the store ({@link StoreLibraryRepository}), so query servers of a cluster
 * share them.
 */
public interface LibraryRepository {
    /** The project's library; {@link ProjectLibrary#EMPTY} when nothing was saved yet. */
    ProjectLibrary load(String project);

    /** Replaces the project's library durably: after it returns, a restart still sees it. */
    void save(String project, ProjectLibrary library);
}
