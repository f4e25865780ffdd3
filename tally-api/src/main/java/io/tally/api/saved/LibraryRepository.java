package io.tally.api.saved;

/**
 * Where saved insights and dashboards live, one {@link ProjectLibrary} per project, read and written
 * whole. The embedded server keeps them in files ({@link JsonFileLibraryRepository}); a store-backed
 * implementation, which query servers of a cluster could share, fits behind the same two methods.
 */
public interface LibraryRepository {
    /** The project's library; {@link ProjectLibrary#EMPTY} when nothing was saved yet. */
    ProjectLibrary load(String project);

    /** Replaces the project's library durably: after it returns, a restart still sees it. */
    void save(String project, ProjectLibrary library);
}
