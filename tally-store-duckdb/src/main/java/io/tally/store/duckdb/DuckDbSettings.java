package io.tally.store.duckdb;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * @param file the database file; created with its schema when missing
 * @param memoryLimit DuckDB's {@code memory_limit}, e.g. {@code 512MB}; null leaves DuckDB's default
 * @param threads DuckDB worker threads; 0 leaves DuckDB's default (one per core)
 * @param checkpointThreshold write-ahead log size that triggers a checkpoint, e.g. {@code 16MB}
 * @param rowGroupSize rows per DuckDB row group; 0 leaves DuckDB's default (122,880)
 * @param hotProperties event property keys kept as columns of their own (see {@code DuckDbHotProperties})
 */
public record DuckDbSettings(Path file, String memoryLimit, int threads, String checkpointThreshold, int rowGroupSize,
        List<String> hotProperties) {
    /** Enough for the keys dashboards break down by; each one costs every write an update of its column. */
    public static final int MAX_HOT_PROPERTIES = 16;
    /**
     * A checkpoint rewrites every row group that rows were appended to since the last one, and writers
     * wait for it. With DuckDB's 122,880-row groups that is up to ~120 MB of events per checkpoint, a
     * 1-2 s stop whatever the threshold; small groups and a small threshold keep each stop short
     * (about 0.2-0.4 s every ~16,000 events; decision 016).
     */
    public static final int DEFAULT_ROW_GROUP_SIZE = 16_384;
    public static final String DEFAULT_CHECKPOINT_THRESHOLD = "16MB";
    /** DuckDB's vector size; a row group holds whole vectors. */
    private static final int VECTOR_SIZE = 2048;
    private static final String SIZE = "\\d+(\\.\\d+)?\\s*(KB|MB|GB|KiB|MiB|GiB)";

    public DuckDbSettings {
        requireNonNull(file, "file is null");
        if (memoryLimit != null && !memoryLimit.matches(SIZE)) {
            throw new IllegalArgumentException("duckdb.memory-limit must look like 512MB or 2GB, was " + memoryLimit);
        }
        if (checkpointThreshold == null || !checkpointThreshold.matches(SIZE)) {
            throw new IllegalArgumentException("duckdb.checkpoint-threshold must look like 256MB, was " + checkpointThreshold);
        }
        hotProperties = List.copyOf(requireNonNull(hotProperties, "hotProperties is null"));
        if (hotProperties.size() > MAX_HOT_PROPERTIES) {
            throw new IllegalArgumentException("--hot-properties names at most " + MAX_HOT_PROPERTIES + " keys, was " + hotProperties.size());
        }
        if (hotProperties.stream().anyMatch(String::isEmpty) || hotProperties.stream().distinct().count() != hotProperties.size()) {
            throw new IllegalArgumentException("--hot-properties must name distinct, non-empty keys, was " + hotProperties);
        }
        if (rowGroupSize != 0 && (rowGroupSize < VECTOR_SIZE || rowGroupSize % VECTOR_SIZE != 0)) {
            throw new IllegalArgumentException("duckdb.row-group-size must be 0 (default) or a multiple of " + VECTOR_SIZE
                    + ", was " + rowGroupSize);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("duckdb.threads must be 0 (default) or more, was " + threads);
        }
    }

    public static DuckDbSettings of(Path file) {
        return new DuckDbSettings(file, null, 0, DEFAULT_CHECKPOINT_THRESHOLD, DEFAULT_ROW_GROUP_SIZE, List.of());
    }

    public DuckDbSettings withHotProperties(List<String> keys) {
        return new DuckDbSettings(file, memoryLimit, threads, checkpointThreshold, rowGroupSize, keys);
    }
}
