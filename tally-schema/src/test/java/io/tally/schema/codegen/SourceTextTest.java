package io.tally.schema.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceTextTest {

    @Test
    void javaLiteralsAreAsciiAndCannotBeEndedOrBrokenByUnicodeEscapes() {
        assertThat(SourceText.javaString("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(SourceText.javaString("line\nnext\u0001")).isEqualTo("\"line\\nnext\\001\"");
        assertThat(SourceText.javaString("caf\u00e9 \u2028")).isEqualTo("\"caf\\u00e9 \\u2028\"");
        // the text of a unicode escape stays text: its backslash is escaped
        assertThat(SourceText.javaString("\\u000a")).isEqualTo("\"\\\\u000a\"");
    }

    @Test
    void typeScriptLiteralsEscapeQuotesControlsAndNonAscii() {
        assertThat(SourceText.tsString("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\n\"");
        assertThat(SourceText.tsString("\u2028\u00e9")).isEqualTo("\"\\u2028\\u00e9\"");
    }

    @Test
    void commentsCannotBeEndedEarly() {
        assertThat(SourceText.javadoc("ends */ here <b> & \\u000a @see")).containsExactly(
                "ends *&#47; here &lt;b&gt; &amp; &#92;u000a &#64;see");
        assertThat(SourceText.javadoc("one\ntwo\r\nthree\u2028four")).containsExactly("one", "two", "three", "four");
        assertThat(SourceText.jsdoc("ends */ here")).containsExactly("ends *\\/ here");
        assertThat(SourceText.tsInlineComment("a */ b\nc")).isEqualTo("/* a *\\/ b c */");
        assertThat(SourceText.javaLineComment("a\nb\u2029c")).isEqualTo("a b c");
    }
}
