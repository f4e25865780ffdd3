package io.tally.api.saved;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One JSON file per project ({@code DIR/PROJECT.json}), for a single query server: the embedded
 * default. Query servers of a cluster do not share these files; each would keep its own.
 *
 * <p>A save writes a temporary file next to the target, forces it to disk and renames it over the
 * target, so that a crash leaves either the old file or the new one, never half of one. Callers
 * serialize saves of one project ({@link SavedLibrary} does), so two temporary files never race.
 */
public final class JsonFileLibraryRepository implements LibraryRepository {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path directory;

    /** @param directory where the files go; created at the first save */
    public JsonFileLibraryRepository(Path directory) {
        this.directory = requireNonNull(directory, "directory is null");
    }

    @Override
    public ProjectLibrary load(String project) {
        Path file = file(project);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return ProjectLibrary.EMPTY;
        } catch (IOException e) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "cannot read saved insights from " + file + ": " + e.getMessage(), e);
        }
        try {
            return LibraryJson.parseFile(MAPPER.readTree(bytes));
        } catch (IOException | RuntimeException e) {
            // refuse rather than start empty: the next save would overwrite what someone may still repair
            throw new TallyException(ErrorCode.INTERNAL, "the saved insights file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public void save(String project, ProjectLibrary library) {
        requireNonNull(library, "library is null");
        Path file = file(project);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(directory);
            byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(LibraryJson.file(library));
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory();
        } catch (IOException e) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "cannot save insights to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes the rename itself durable: on Linux a new directory entry survives a power loss only once
     * the directory is synced. Where a directory cannot be opened for that (Windows), the move stands.
     */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the file content itself was forced before the move
        }
    }

    private Path file(String project) {
        // project ids are lower-case letters, digits, '-' and '_' (see Project), safe as file names
        if (!project.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
            throw new IllegalArgumentException("not a project id: " + project);
        }
        return directory.resolve(project + ".json");
    }
}
