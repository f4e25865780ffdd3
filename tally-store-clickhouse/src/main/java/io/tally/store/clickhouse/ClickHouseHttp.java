package io.tally.store.clickhouse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.query.RowsRead;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * ClickHouse's HTTP interface over the JDK client. The official Java client cannot read from 18.16
 * (DESIGN §5), and the interface is small: POST the SQL, get the result in the asked format; an error
 * is an HTTP status of 400 or more with {@code Code: N} in the body.
 *
 * <p>Failures map to two outcomes: {@link ErrorCode#STORE_UNAVAILABLE} (retryable) when the server
 * cannot be reached, times out or fails on its side; {@link ErrorCode#INTERNAL} (not retryable) when it
 * refuses the SQL itself, because Tally wrote that SQL and sending it again cannot help.
 */
final class ClickHouseHttp implements AutoCloseable {
    /** 18.16's default {@code max_query_size}; a longer query (a big IN list) must raise it. */
    private static final int DEFAULT_MAX_QUERY_SIZE = 262_144;
    private static final Pattern ERROR_CODE = Pattern.compile("Code: (\\d+)");
    /**
     * Error codes that 18.16 answers with HTTP 500 although retrying cannot help: the SQL or its
     * arguments are wrong (e.g. 43 ILLEGAL_TYPE_OF_ARGUMENT, 1000 covers "Cannot load time zone").
     * Everything else on a 5xx (too many parts, memory limit, timeouts, read-only replica) may pass later.
     */
    private static final Set<Integer> REFUSED_CODES = Set.of(
            1, 6, 26, 27, 36, 41, 42, 43, 44, 46, 47, 48, 53, 62, 70, 115, 192, 193, 194, 1000);
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger();

    private final ClickHouseSettings settings;
    private final ExecutorService executor;
    private final HttpClient client;
    private final String authorization;
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean closed;

    ClickHouseHttp(ClickHouseSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        int clientId = CLIENT_IDS.incrementAndGet();
        AtomicInteger threadIds = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "clickhouse-http-" + clientId + "-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .executor(executor)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        String credentials = settings.user() + ":" + settings.password();
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(UTF_8));
    }

    /** Runs a statement without result (DDL, {@code INSERT ... SELECT}) in the configured database. */
    void execute(String sql) {
        send(sqlRequest(sql, true, false), sql);
    }

    /** Runs a statement outside any database, e.g. {@code CREATE DATABASE}, which must work before it exists. */
    void executeServerWide(String sql) {
        send(sqlRequest(sql, false, false), sql);
    }

    /**
     * Runs a query and returns its rows, each value as text ({@code null} for NULL; an array or tuple as
     * its compact JSON text). JSONCompact quotes 64-bit integers, so the text form is the one lossless
     * common denominator.
     */
    List<List<String>> select(String sql) {
        return rows(send(sqlRequest(sql + "\nFORMAT JSONCompact", true, true), sql), sql);
    }

    /**
     * A table sent along with a query (ClickHouse's "external data"), which the query reads by
     * {@code name}. A long list of values goes this way instead of as an IN list in the SQL: the server
     * reads TabSeparated rows far faster than it parses literals (a lookup of 10,000 ids took about 40 ms
     * instead of about 150, measured on 18.16), and no AST or query size limit applies.
     *
     * @param structure the columns, e.g. {@code message_id UUID}
     * @param tabSeparated the rows, escaped as TabSeparated, each ending with a newline
     */
    record ExternalTable(String name, String structure, byte[] tabSeparated) {
        ExternalTable {
            requireNonNull(name, "name is null");
            requireNonNull(structure, "structure is null");
            requireNonNull(tabSeparated, "tabSeparated is null");
        }
    }

    /** Like {@link #select(String)}, with {@code table} readable by its name in {@code sql}. */
    List<List<String>> select(String sql, ExternalTable table) {
        String query = sql + "\nFORMAT JSONCompact";
        Map<String, String> params = params(true, true, 0);
        // the body carries the table, so the statement goes in the URL
        params.put("query", query);
        params.put(table.name() + "_structure", table.structure());
        String boundary = "tally-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream(table.tabSeparated().length + 256);
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + table.name() + "\"; filename=\""
                + table.name() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(UTF_8));
        body.writeBytes(table.tabSeparated());
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(UTF_8));
        HttpRequest request = request(params)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(uncopied(body.toByteArray()))
                .build();
        return rows(send(request, sql), sql);
    }

    private List<List<String>> rows(String body, String sql) {
        try {
            JsonNode answer = json.readTree(body);
            // JSONCompact ends with the query's statistics; 18.16 sends no summary header instead
            RowsRead.add(answer.path("statistics").path("rows_read").asLong(-1));
            JsonNode data = answer.path("data");
            List<List<String>> rows = new ArrayList<>(data.size());
            for (JsonNode row : data) {
                List<String> values = new ArrayList<>(row.size());
                row.forEach(v -> values.add(v.isNull() ? null : v.isContainerNode() ? v.toString() : v.asText()));
                rows.add(values);
            }
            return rows;
        } catch (IOException e) {
            throw new TallyException(ErrorCode.INTERNAL, "cannot parse ClickHouse's answer to: " + abbreviate(sql), e);
        }
    }

    /**
     * Inserts rows given as JSONEachRow (one JSON object per line) into {@code table} of the database.
     * A replicated table drops a block it has stored before: a retried insert of the same rows.
     */
    void insertJsonEachRow(String table, byte[] rows) {
        String sql = "INSERT INTO " + ClickHouseSql.identifier(table) + " FORMAT JSONEachRow";
        Map<String, String> params = new LinkedHashMap<>();
        params.put("database", settings.database());
        // with the statement in the URL, the body is pure data and max_query_size does not apply to it
        params.put("query", sql);
        if (settings.clustered()) {
            // answer only when every shard has the rows: an acknowledged insert must be durable, not
            // queued in a Distributed table's spool directory on this node
            params.put("insert_distributed_sync", "1");
        }
        clusterRouting(params);
        HttpRequest.Builder request = request(params);
        if (settings.compressInserts()) {
            request.header("Content-Encoding", "gzip").POST(uncopied(gzip(rows)));
        } else {
            request.POST(uncopied(rows));
        }
        send(request.build(), sql);
    }

    /**
     * A body sent from the array itself, with its length. {@code ofByteArray} copies the array into
     * 16 KB buffers first, growing a list of them as it goes: for the loader's inserts of several
     * megabytes, 3 % of the loader's time in a profile.
     */
    private static HttpRequest.BodyPublisher uncopied(byte[] body) {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(List.of(body)), body.length);
    }

    private HttpRequest sqlRequest(String sql, boolean inDatabase, boolean isRead) {
        byte[] body = sql.getBytes(UTF_8);
        return request(params(inDatabase, isRead, body.length)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private Map<String, String> params(boolean inDatabase, boolean isRead, int sqlBytes) {
        Map<String, String> params = new LinkedHashMap<>();
        if (inDatabase) {
            params.put("database", settings.database());
        }
        if (sqlBytes >= DEFAULT_MAX_QUERY_SIZE) {
            params.put("max_query_size", String.valueOf(sqlBytes + 1));
        }
        if (isRead) {
            // buffer the result on the server, so that an error in the middle of a result becomes an HTTP
            // error status instead of a 200 with a truncated body
            params.put("wait_end_of_query", "1");
            params.put("max_execution_time", String.valueOf(settings.queryTimeout().toSeconds()));
        }
        clusterRouting(params);
        if (isRead && settings.clustered()) {
            // and skip a replica more than a second behind (one just restarted), while any other can answer
            params.put("max_replica_delay_for_distributed_queries", "1");
            // a subquery over a Distributed table inside a query over one (people's ids in funnels and
            // retention) runs once and is sent to every shard, instead of being refused
            params.put("distributed_product_mode", "global");
        }
        if (!isRead && settings.clustered()) {
            // an INSERT ... SELECT into a Distributed table (a rollup repair, migration 5's copy of the ids)
            // answers once every shard has its rows, like the inserts of rows do
            params.put("insert_distributed_sync", "1");
            // and stores its block even when it equals one stored before: a rebuilt rollup key can give
            // the very block an earlier insert gave, and that block was deleted since
            params.put("insert_deduplicate", "0");
        }
        return params;
    }

    /**
     * A sync Distributed insert waits for one replica per shard, and the others copy it a moment later.
     * The store reads its own writes (which ids are stored), so reads and inserts must reach the same
     * replica: {@code in_order} picks the first healthy replica of each shard in the cluster config, for
     * both, instead of a random one.
     */
    private void clusterRouting(Map<String, String> params) {
        if (settings.clustered()) {
            params.put("load_balancing", "in_order");
            // otherwise a node reads its own shard from itself, which may be the replica still copying
            params.put("prefer_localhost_replica", "0");
        }
    }

    private HttpRequest.Builder request(Map<String, String> params) {
        StringJoiner query = new StringJoiner("&");
        params.forEach((k, v) -> query.add(k + "=" + URLEncoder.encode(v, UTF_8)));
        String base = settings.url().toString();
        String path = base.endsWith("/") ? base : base + "/";
        return HttpRequest.newBuilder(URI.create(path + "?" + query))
                .timeout(settings.queryTimeout())
                .header("Authorization", authorization);
    }

    private String send(HttpRequest request, String sql) {
        if (closed) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "the ClickHouse client is closed");
        }
        HttpResponse<String> response;
        try {
            response = sendOnce(request);
        } catch (IOException e) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "ClickHouse at " + settings.url()
                    + " did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "interrupted while waiting for ClickHouse", e);
        }
        if (response.statusCode() == 200) {
            return response.body();
        }
        throw failure(response.statusCode(), response.body(), sql);
    }

    /**
     * A pooled keep-alive connection may have been closed by the server an instant before it is reused
     * (ClickHouse closes idle ones after keep_alive_timeout, a few seconds); the request then fails
     * without any answer. One retry on a fresh connection covers that race. Repeating a write is safe
     * here: every table is a ReplacingMergeTree whose rows repeat with identical sorting keys.
     */
    private HttpResponse<String> sendOnce(HttpRequest request) throws IOException, InterruptedException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
        } catch (java.net.http.HttpTimeoutException timedOut) {
            // the server got the request and is slow: retrying here would only double the wait
            throw timedOut;
        } catch (IOException firstAttempt) {
            return client.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
        }
    }

    /** Maps an error answer to a retryable or a final failure; see the class comment. */
    static TallyException failure(int status, String body, String sql) {
        Matcher m = ERROR_CODE.matcher(body);
        int code = m.find() ? Integer.parseInt(m.group(1)) : -1;
        String message = "ClickHouse answered HTTP " + status + (code >= 0 ? " with Code " + code : "")
                + ": " + abbreviate(body.strip()) + " (query: " + abbreviate(sql) + ")";
        boolean serverSide = status >= 500 && !REFUSED_CODES.contains(code);
        return new TallyException(serverSide ? ErrorCode.STORE_UNAVAILABLE : ErrorCode.INTERNAL, message);
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip in memory failed", e);
        }
        return out.toByteArray();
    }

    /**
     * Stops the client's worker threads. The JDK 17 {@link HttpClient} has no close; its selector thread
     * ends once the client is unreachable.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        executor.shutdownNow();
    }
}
