package io.tally.core.spi;

import java.util.Optional;

/**
 * Small JSON documents a project keeps besides its events, such as its saved insights and dashboards.
 * They live in the store so that every query server of a cluster reads the same ones.
 *
 * <p>A save replaces the document whole; when two servers save the same document at the same moment,
 * the later save wins (callers that need more serialize their own changes).
 */
public interface SavedDocuments {

    /** The document's JSON text, if it was ever saved. */
    Optional<String> document(String project, String name);

    /** Replaces the document durably: once this returns, every reader of the store sees it. */
    void saveDocument(String project, String name, String json);
}
