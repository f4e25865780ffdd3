package io.tally.api.saved;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SavedLibraryTest {
    private static final String QUERY = "{\"kind\":\"trends\",\"series\":[{\"event\":\"a\"}]}";

    /** Keeps libraries in memory and counts saves: an honest fake of the file repository. */
    private static final class MemoryRepository implements LibraryRepository {
        final Map<String, ProjectLibrary> libraries = new HashMap<>();
        final AtomicInteger saves = new AtomicInteger();

        @Override
        public ProjectLibrary load(String project) {
            return libraries.getOrDefault(project, ProjectLibrary.EMPTY);
        }

        @Override
        public void save(String project, ProjectLibrary library) {
            saves.incrementAndGet();
            libraries.put(project, library);
        }
    }

    private final MemoryRepository repository = new MemoryRepository();
    private final SavedLibrary library = new SavedLibrary(repository, Clock.fixed(Instant.parse("2026-05-01T00:00:00Z"), ZoneOffset.UTC));

    @Test
    void newInsightsGetFreshIdsAndReplacingKeepsTheirPlace() {
        Insight a = library.saveInsight("p", null, "A", QUERY, "line");
        Insight b = library.saveInsight("p", null, "B", QUERY, "line");
        assertThat(a.id()).isNotEqualTo(b.id()).startsWith("i");
        library.saveInsight("p", a.id(), "A2", QUERY, "bar");
        assertThat(library.library("p").insights()).extracting(Insight::name).containsExactly("A2", "B");
        assertThat(library.library("other").insights()).isEmpty();
    }

    @Test
    void deletingAnInsightTakesItOffEveryDashboard() {
        Insight a = library.saveInsight("p", null, "A", QUERY, null);
        Insight b = library.saveInsight("p", null, "B", QUERY, null);
        Dashboard d = library.saveDashboard("p", "board", "Board", List.of(a.id(), b.id()));
        library.deleteInsight("p", a.id());
        assertThat(library.dashboard("p", d.id()).insightIds()).containsExactly(b.id());
    }

    @Test
    void aDashboardNamesOnlyExistingInsightsOnce() {
        Insight a = library.saveInsight("p", null, "A", QUERY, null);
        assertThatThrownBy(() -> library.saveDashboard("p", null, "Board", List.of(a.id(), "missing")))
                .isInstanceOf(TallyException.class)
                .satisfies(e -> assertThat(((TallyException) e).field()).hasValue("insights[1]"));
        assertThatThrownBy(() -> library.saveDashboard("p", null, "Board", List.of(a.id(), a.id())))
                .satisfies(e -> assertThat(((TallyException) e).field()).hasValue("insights"));
    }

    @Test
    void missingThingsAreNotFoundAndNothingIsWrittenForThem() {
        int before = repository.saves.get();
        for (Runnable r : List.<Runnable>of(() -> library.insight("p", "nope"), () -> library.dashboard("p", "nope"),
                () -> library.deleteInsight("p", "nope"), () -> library.deleteDashboard("p", "nope"))) {
            assertThatThrownBy(r::run).isInstanceOf(TallyException.class)
                    .satisfies(e -> assertThat(((TallyException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        }
        assertThat(repository.saves.get()).isEqualTo(before);
    }

    @Test
    void aProjectKeepsABoundedNumberOfInsights() {
        for (int i = 0; i < SavedLibrary.MAX_INSIGHTS; i++) {
            library.saveInsight("p", "i" + i, "I" + i, QUERY, null);
        }
        assertThatThrownBy(() -> library.saveInsight("p", null, "one more", QUERY, null))
                .satisfies(e -> assertThat(((TallyException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST));
        // replacing one at the bound is still fine
        assertThat(library.saveInsight("p", "i0", "changed", QUERY, null).name()).isEqualTo("changed");
    }
}
