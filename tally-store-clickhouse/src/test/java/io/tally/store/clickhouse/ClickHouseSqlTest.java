package io.tally.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.testing.TestingClickHouse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** String literals read back byte for byte on a real server, whatever they contain. */
class ClickHouseSqlTest {
    private static final List<String> HOSTILE = List.of(
            "", "'", "''", "\\", "\\\\", "\\'", "'\\", "it's", "a\\'b", "end\\",
            "'; DROP TABLE t; --", "' OR '1'='1", "\\'; SELECT 1; --",
            "line\nbreak", "cr\rlf\r\n", "tab\tstop", "nul\u0000byte", "\u0000", "bell\u0007", "del\u007f",
            "\\x41", "\\0", "\\n", "\\u00e9", "{x:String}", "`backtick`", "\"double\"", "%s %d",
            "é", "日本語", "😀", "a😀b\u0000'\\\n", "\u202Eright-to-left", "\uFEFFbom", "\u00A0nbsp");
    private static TestingClickHouse server;
    private static ClickHouseHttp http;

    @BeforeAll
    static void start() {
        server = TestingClickHouse.start();
        ClickHouseSettings settings = TestDatabases.settings(server, Path.of("sql-test"));
        http = new ClickHouseHttp(settings);
        http.executeServerWide("CREATE DATABASE IF NOT EXISTS " + settings.database());
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertThat(ClickHouseSql.literal("it's")).isEqualTo("'it\\'s'");
        assertThat(ClickHouseSql.literal("a\\b")).isEqualTo("'a\\\\b'");
        assertThat(ClickHouseSql.literal("a\nb\u0000c\u007f")).isEqualTo("'a\\x0Ab\\x00c\\x7F'");
        assertThat(ClickHouseSql.literal("é😀")).isEqualTo("'é😀'");
        assertThat(ClickHouseSql.literalList(List.of("a", "b'"))).isEqualTo("('a', 'b\\'')");
    }

    @Test
    void refusesWhatItCannotQuote() {
        assertThatThrownBy(() -> ClickHouseSql.literalList(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClickHouseSql.identifier("a`b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClickHouseSql.identifier("1abc")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ClickHouseSql.identifier("tally_1")).isEqualTo("`tally_1`");
    }

    @Test
    void hostileStringsReadBackExactly() {
        for (String value : HOSTILE) {
            assertRoundTrip(value);
        }
    }

    /** Random strings over every code point class: ASCII controls, quotes, backslashes, BMP, astral. */
    @Test
    void randomStringsReadBackExactly() {
        Random random = new Random(20260329);
        List<String> values = new ArrayList<>();
        int[] alphabet = {0, 1, 9, 10, 13, 27, 31, '\'', '\\', '"', '`', '?', ' ', 'a', 'Z', 0x7f, 0x80, 0xe9, 0x2028, 0xfeff, 0xfffd, 0x1f600, 0x10ffff};
        for (int i = 0; i < 200; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(12);
            for (int j = 0; j < length; j++) {
                s.appendCodePoint(random.nextBoolean() ? alphabet[random.nextInt(alphabet.length)] : random.nextInt(0x3000));
            }
            values.add(s.toString().replaceAll("[\\uD800-\\uDFFF&&[^\\x{10000}-\\x{10FFFF}]]", "x"));
        }
        // many literals in one query, so that a quote that escapes its literal would break the ones after it
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < values.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("hex(").append(ClickHouseSql.literal(values.get(i))).append(")");
        }
        List<String> row = http.select(sql.toString()).get(0);
        for (int i = 0; i < values.size(); i++) {
            assertThat(row.get(i)).as("value %d: %s", i, values.get(i)).isEqualTo(hex(values.get(i)));
        }
    }

    /** A lone surrogate has no UTF-8 form; it reads back as U+FFFD, the same as EventRows stores it. */
    @Test
    void unpairedSurrogatesBecomeReplacementCharacters() {
        assertThat(ClickHouseSql.wellFormed("a\uD800b\uDC00\uD83D\uDE00\uD83D")).isEqualTo("a\uFFFDb\uFFFD\uD83D\uDE00\uFFFD");
        String plain = "no surrogates";
        assertThat(ClickHouseSql.wellFormed(plain)).isSameAs(plain);
        List<List<String>> rows = http.select("SELECT hex(" + ClickHouseSql.literal("a\uD800") + ")");
        assertThat(rows.get(0).get(0)).isEqualTo(hex("a\uFFFD"));
    }

    @Test
    void aLiteralIsOneValueInAnInList() {
        List<List<String>> rows = http.select("SELECT count() FROM system.one WHERE 'x' IN " + ClickHouseSql.literalList(List.of("x') OR ('1' = '1", "y")));
        assertThat(rows.get(0).get(0)).isEqualTo("0");
    }

    private static void assertRoundTrip(String value) {
        List<List<String>> rows = http.select("SELECT hex(" + ClickHouseSql.literal(value) + "), length(" + ClickHouseSql.literal(value) + ")");
        assertThat(rows.get(0).get(0)).as("hex of %s", value).isEqualTo(hex(value));
        assertThat(rows.get(0).get(1)).isEqualTo(String.valueOf(value.getBytes(StandardCharsets.UTF_8).length));
    }

    private static String hex(String value) {
        return HexFormat.of().withUpperCase().formatHex(value.getBytes(StandardCharsets.UTF_8));
    }
}
