package io.tally.api.saved;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.spi.SavedDocuments;
import java.io.IOException;
import java.util.Optional;

/**
 * Keeps each project's library as one document in the store ({@link SavedDocuments}), so that every
 * query server of a cluster reads the same insights and dashboards; on one machine it is a row of the
 * DuckDB file, saved in a transaction. Within a server {@link SavedLibrary} serializes a project's
 * changes; between servers the later save of the whole library wins.
 */
public final class StoreLibraryRepository implements LibraryRepository {
    /** The document's name; the version inside it lets a later Tally read older libraries. */
    static final String DOCUMENT = "library";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final SavedDocuments documents;

    public StoreLibraryRepository(SavedDocuments documents) {
        this.documents = requireNonNull(documents, "documents is null");
    }

    @Override
    public ProjectLibrary load(String project) {
        Optional<String> json = documents.document(project, DOCUMENT);
        if (json.isEmpty()) {
            return ProjectLibrary.EMPTY;
        }
        try {
            return LibraryJson.parseFile(MAPPER.readTree(json.get()));
        } catch (IOException | RuntimeException e) {
            // refuse rather than start empty: the next save would overwrite what someone may still repair
            throw new TallyException(ErrorCode.INTERNAL, "the saved insights of project " + project + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public void save(String project, ProjectLibrary library) {
        requireNonNull(library, "library is null");
        documents.saveDocument(project, DOCUMENT, LibraryJson.file(library).toString());
    }
}
