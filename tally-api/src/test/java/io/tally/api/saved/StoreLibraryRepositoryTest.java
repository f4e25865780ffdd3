package io.tally.api.saved;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.spi.SavedDocuments;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The library's round trip through a document. The stores' own keeping of documents is tested by the
 * shared store contract against DuckDB and ClickHouse; here a map stands in for them.
 */
class StoreLibraryRepositoryTest {
    private static final Instant T = Instant.parse("2026-05-01T12:00:00Z");

    private final Map<String, String> stored = new HashMap<>();
    private final SavedDocuments documents = new SavedDocuments() {
        @Override
        public Optional<String> document(String project, String name) {
            return Optional.ofNullable(stored.get(project + "/" + name));
        }

        @Override
        public void saveDocument(String project, String name, String json) {
            stored.put(project + "/" + name, json);
        }
    };
    private final StoreLibraryRepository repository = new StoreLibraryRepository(documents);

    @Test
    void aSavedLibraryReadsBackAsItWas() {
        ProjectLibrary library = new ProjectLibrary(
                List.of(new Insight("i1", "Signups", "{\"kind\":\"trends\",\"series\":[{\"event\":\"signup\"}]}", "bar", T),
                        new Insight("i2", "Funnel “ü”", "{\"kind\":\"funnel\",\"steps\":[\"a\",\"b\"]}", null, T.plusSeconds(1))),
                List.of(new Dashboard("d1", "Overview", List.of("i2", "i1"), T)));
        repository.save("shop", library);
        assertThat(new StoreLibraryRepository(documents).load("shop")).isEqualTo(library);
        assertThat(repository.load("other")).isEqualTo(ProjectLibrary.EMPTY);
        repository.save("shop", ProjectLibrary.EMPTY);
        assertThat(repository.load("shop")).isEqualTo(ProjectLibrary.EMPTY);
    }

    @Test
    void aDamagedDocumentIsRefusedRatherThanReadAsEmpty() {
        stored.put("shop/" + StoreLibraryRepository.DOCUMENT, "{\"version\":1,\"insights\":[{\"id\":\"i1\"}]");
        assertThatThrownBy(() -> repository.load("shop")).isInstanceOf(TallyException.class)
                .satisfies(e -> assertThat(((TallyException) e).code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageContaining("project shop");
        stored.put("shop/" + StoreLibraryRepository.DOCUMENT, "{\"version\":2,\"insights\":[],\"dashboards\":[]}");
        assertThatThrownBy(() -> repository.load("shop")).hasMessageContaining("version");
    }
}
