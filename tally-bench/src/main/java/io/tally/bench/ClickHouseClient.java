package io.tally.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The benchmarks' own line to ClickHouse's HTTP interface, for what the store does not offer: DDL of
 * the baseline tables, raw inserts, and the system tables. Deliberately separate from the store's
 * client, so that a baseline never shares a connection pool or a code path with the thing it measures.
 */
final class ClickHouseClient {
    /** OPTIMIZE ... FINAL of a million rows takes minutes on two shared cores. */
    private static final Duration TIMEOUT = Duration.ofMinutes(15);
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    ClickHouseClient(String url) {
        this.url = url.endsWith("/") ? url : url + "/";
    }

    void execute(String sql) {
        send(URI.create(url), HttpRequest.BodyPublishers.ofString(sql), sql);
    }

    /** Rows of a query, each value as text. */
    List<List<String>> select(String sql) {
        String body = text(sql + " FORMAT TabSeparated");
        List<List<String>> rows = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isEmpty()) {
                List<String> values = new ArrayList<>();
                for (String value : line.split("\t", -1)) {
                    values.add(unescape(value));
                }
                rows.add(values);
            }
        }
        return rows;
    }

    /** TabSeparated escapes tabs, line breaks, quotes and backslashes with a backslash. */
    private static String unescape(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                out.append(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case '0' -> '\0';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    long number(String sql) {
        return Long.parseLong(select(sql).get(0).get(0));
    }

    /** The answer unescaped, e.g. for SHOW CREATE TABLE. */
    String text(String sql) {
        return send(URI.create(url), HttpRequest.BodyPublishers.ofString(sql), sql);
    }

    /** One INSERT of JSONEachRow rows, the statement in the URL so the body is pure data. */
    void insertJsonEachRow(String table, byte[] rows) {
        String sql = "INSERT INTO " + table + " FORMAT JSONEachRow";
        send(URI.create(url + "?query=" + URLEncoder.encode(sql, UTF_8)), HttpRequest.BodyPublishers.ofByteArray(rows), sql);
    }

    /**
     * The result of a query in {@code format}, streamed into a gzip file: big results never sit in memory.
     *
     * @return the number of lines written
     */
    long download(String query, String format, Path gzipFile) {
        String sql = query + " FORMAT " + format;
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url
                            + "?output_format_json_quote_64bit_integers=0")).timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body();
                 OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipFile), 1 << 16)) {
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("ClickHouse answered " + response.statusCode() + " to " + abbreviate(sql)
                            + ": " + new String(in.readAllBytes(), UTF_8).strip());
                }
                byte[] buffer = new byte[1 << 16];
                long lines = 0;
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            lines++;
                        }
                    }
                }
                return lines;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ClickHouse at " + url + " did not answer " + abbreviate(sql), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private String send(URI uri, HttpRequest.BodyPublisher body, String sql) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).POST(body).build(),
                    HttpResponse.BodyHandlers.ofString(UTF_8));
            if (response.statusCode() != 200) {
                throw new IllegalStateException("ClickHouse answered " + response.statusCode() + " to "
                        + abbreviate(sql) + ": " + response.body().strip());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("ClickHouse at " + url + " did not answer " + abbreviate(sql), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String abbreviate(String sql) {
        return sql.length() <= 200 ? sql : sql.substring(0, 200) + "...";
    }
}
