package io.tally.api.saved;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFileLibraryRepositoryTest {
    private static final Instant T = Instant.parse("2026-05-01T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aSavedLibraryReadsBackAsItWasAndLeavesNoTemporaryFile() throws IOException {
        JsonFileLibraryRepository repository = new JsonFileLibraryRepository(dir.resolve("dashboards"));
        ProjectLibrary library = new ProjectLibrary(
                List.of(new Insight("i1", "Signups", "{\"kind\":\"trends\",\"series\":[{\"event\":\"signup\"}]}", "bar", T),
                        new Insight("i2", "Funnel “ü”", "{\"kind\":\"funnel\",\"steps\":[\"a\",\"b\"]}", null, T.plusSeconds(1))),
                List.of(new Dashboard("d1", "Overview", List.of("i2", "i1"), T)));
        repository.save("shop", library);
        assertThat(new JsonFileLibraryRepository(dir.resolve("dashboards")).load("shop")).isEqualTo(library);
        try (var files = Files.list(dir.resolve("dashboards"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("shop.json");
        }
        repository.save("shop", ProjectLibrary.EMPTY);
        assertThat(repository.load("shop")).isEqualTo(ProjectLibrary.EMPTY);
    }

    @Test
    void aProjectWithoutAFileHasAnEmptyLibrary() {
        assertThat(new JsonFileLibraryRepository(dir.resolve("nothing-yet")).load("shop")).isEqualTo(ProjectLibrary.EMPTY);
    }

    @Test
    void aDamagedFileIsRefusedRatherThanOverwrittenWithNothing() throws IOException {
        Files.writeString(dir.resolve("shop.json"), "{\"version\":1,\"insights\":[{\"id\":\"i1\"}]");
        JsonFileLibraryRepository repository = new JsonFileLibraryRepository(dir);
        assertThatThrownBy(() -> repository.load("shop")).isInstanceOf(TallyException.class)
                .satisfies(e -> assertThat(((TallyException) e).code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageContaining("shop.json");
        Files.writeString(dir.resolve("shop.json"), "{\"version\":2,\"insights\":[],\"dashboards\":[]}");
        assertThatThrownBy(() -> repository.load("shop")).hasMessageContaining("version");
    }

    @Test
    void onlyProjectIdsNameFiles() {
        JsonFileLibraryRepository repository = new JsonFileLibraryRepository(dir);
        assertThatThrownBy(() -> repository.load("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }
}
