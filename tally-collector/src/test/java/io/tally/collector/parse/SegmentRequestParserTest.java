package io.tally.collector.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentRequestParserTest {
    private static final int MAX_DEPTH = 32;

    private final SegmentRequestParser parser = new SegmentRequestParser(MAX_DEPTH, 500 * 1024);

    @Test
    void batchGivesItsMessagesInOrderWithTheirIndexes() {
        ParsedRequest request = parser.parseBatch(utf8("""
                {"batch": [{"event": "a"}, {"event": "b"}, {"event": "c"}]}"""));

        assertThat(request.messages()).extracting(RawMessage::index).containsExactly(0, 1, 2);
        assertThat(request.messages()).extracting(m -> m.node().get("event").asText()).containsExactly("a", "b", "c");
    }

    @Test
    void batchGivesWriteKeySentAtAndContext() {
        ParsedRequest request = parser.parseBatch(utf8("""
                {"writeKey": "wk", "sentAt": "2026-01-05T10:00:00Z", "context": {"ip": "1.2.3.4"}, "batch": []}"""));

        assertThat(request.writeKey()).isEqualTo("wk");
        assertThat(request.sentAt()).isEqualTo("2026-01-05T10:00:00Z");
        assertThat(request.context().get("ip").asText()).isEqualTo("1.2.3.4");
        assertThat(request.messages()).isEmpty();
    }

    @Test
    void batchIgnoresUnknownTopLevelFields() {
        ParsedRequest request = parser.parseBatch(utf8("""
                {"integrations": {"All": true, "x": [1, {"y": 2}]}, "batch": [{"event": "a"}], "extra": 5}"""));

        assertThat(request.messages()).hasSize(1);
    }

    @Test
    void batchReportsTheByteSizeOfEachMessageInTheBody() {
        String first = "{\"event\":\"a\"}";
        String second = "{\"event\":\"b\",\"properties\":{\"name\":\"Zoë\"}}";
        ParsedRequest request = parser.parseBatch(utf8("{\"batch\": [ " + first + " ,\n" + second + "]}"));

        assertThat(request.messages()).extracting(RawMessage::bytes)
                .containsExactly(utf8(first).length, utf8(second).length);
    }

    @Test
    void singleMessageSizeIsTheWholeBody() {
        byte[] body = utf8("{\"userId\": \"u\", \"event\": \"x\", \"writeKey\": \"wk\"}");

        ParsedRequest request = parser.parseSingle(body);

        assertThat(request.messages()).singleElement().satisfies(m -> {
            assertThat(m.index()).isZero();
            assertThat(m.bytes()).isEqualTo(body.length);
        });
        assertThat(request.writeKey()).isEqualTo("wk");
    }

    @Test
    void truncatedSingleMessageIsInvalidJson() {
        assertFailsWith(() -> parser.parseSingle(utf8("{\"userId\": \"u\", \"event\": \"si")), ErrorCode.INVALID_JSON);
    }

    @Test
    void truncatedBatchIsInvalidJson() {
        assertFailsWith(() -> parser.parseBatch(utf8("{\"batch\": [{\"event\": \"a\"}, {\"eve")), ErrorCode.INVALID_JSON);
    }

    @Test
    void batchThatEndsInsideTheArrayIsInvalidJson() {
        assertFailsWith(() -> parser.parseBatch(utf8("{\"batch\": [{\"event\": \"a\"}")), ErrorCode.INVALID_JSON);
    }

    @Test
    void batchThatEndsAfterTheArrayIsInvalidJson() {
        assertFailsWith(() -> parser.parseBatch(utf8("{\"batch\": []")), ErrorCode.INVALID_JSON);
    }

    @Test
    void syntaxErrorIsInvalidJsonAndSaysWhere() {
        TallyException e = catchTally(() -> parser.parseSingle(utf8("{\"event\": x}")));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_JSON);
        assertThat(e).hasMessageContaining("at byte");
    }

    @Test
    void trailingGarbageAfterASingleMessageIsInvalidJson() {
        assertFailsWith(() -> parser.parseSingle(utf8("{\"event\": \"a\"} garbage")), ErrorCode.INVALID_JSON);
    }

    @Test
    void secondValueAfterASingleMessageIsInvalidJson() {
        assertFailsWith(() -> parser.parseSingle(utf8("{\"event\": \"a\"} {\"event\": \"b\"}")), ErrorCode.INVALID_JSON);
    }

    @Test
    void trailingGarbageAfterABatchIsInvalidJson() {
        assertFailsWith(() -> parser.parseBatch(utf8("{\"batch\": []}]")), ErrorCode.INVALID_JSON);
    }

    @Test
    void trailingWhitespaceIsFine() {
        assertThat(parser.parseSingle(utf8("{\"event\": \"a\"}\r\n\t ")).messages()).hasSize(1);
    }

    @Test
    void invalidUtf8InsideAStringIsInvalidJson() {
        byte[] body = bytes(utf8("{\"userId\": \"u\", \"event\": \"a"), new byte[] {(byte) 0xC3, 0x28}, utf8("\"}"));

        assertFailsWith(() -> parser.parseSingle(body), ErrorCode.INVALID_JSON);
    }

    /**
     * The properties, traits and context are kept as the client's bytes, not decoded into strings, so
     * their text needs its own check: a lone continuation byte, a truncated sequence, an overlong form,
     * an encoded surrogate, a code point above U+10FFFF and a byte that never occurs in UTF-8.
     */
    @ParameterizedTest
    @ValueSource(strings = {"80", "C3", "C0AF", "EDA080", "F4908080", "FF"})
    void invalidUtf8InsideCapturedObjectsIsInvalidJson(String hex) {
        byte[] bad = HexFormat.of().parseHex(hex);
        for (String field : List.of("properties", "traits", "context")) {
            byte[] inValue = bytes(utf8("{\"userId\": \"u\", \"event\": \"a\", \"" + field + "\": {\"k\": \"x"), bad, utf8("y\"}}"));
            byte[] inKey = bytes(utf8("{\"userId\": \"u\", \"event\": \"a\", \"" + field + "\": {\"k"), bad, utf8("\": 1}}"));

            assertFailsWith(() -> parser.parseSingle(inValue), ErrorCode.INVALID_JSON);
            assertFailsWith(() -> parser.parseSingle(inKey), ErrorCode.INVALID_JSON);
        }
    }

    @Test
    void invalidUtf8InsideABatchMessageIsInvalidJson() {
        byte[] body = bytes(utf8("{\"batch\": [{\"event\": \"a"), new byte[] {(byte) 0xC3, 0x28}, utf8("\"}]}"));

        assertFailsWith(() -> parser.parseBatch(body), ErrorCode.INVALID_JSON);
    }

    @Test
    void nestingDeeperThanTheLimitIsInvalidJson() {
        assertFailsWith(() -> parser.parseSingle(utf8(nested(MAX_DEPTH + 1))), ErrorCode.INVALID_JSON);
    }

    @Test
    void veryDeepNestingIsInvalidJson() {
        assertFailsWith(() -> parser.parseSingle(utf8(nested(10_000))), ErrorCode.INVALID_JSON);
    }

    @Test
    void veryDeepNestingInsideABatchIsInvalidJson() {
        assertFailsWith(() -> parser.parseBatch(utf8("{\"batch\": [" + nested(10_000) + "]}")), ErrorCode.INVALID_JSON);
    }

    @Test
    void nestingUpToTheLimitIsFine() {
        assertThat(parser.parseSingle(utf8(nested(MAX_DEPTH))).messages()).hasSize(1);
    }

    @Test
    void singleBodyThatIsAnArrayIsInvalidRequest() {
        assertFailsWith(() -> parser.parseSingle(utf8("[{\"event\": \"a\"}]")), ErrorCode.INVALID_REQUEST);
    }

    @Test
    void singleBodyThatIsAScalarIsInvalidRequest() {
        assertFailsWith(() -> parser.parseSingle(utf8("\"event\"")), ErrorCode.INVALID_REQUEST);
    }

    @Test
    void batchBodyThatIsAnArrayIsInvalidRequest() {
        assertFailsWith(() -> parser.parseBatch(utf8("[{\"event\": \"a\"}]")), ErrorCode.INVALID_REQUEST);
    }

    @Test
    void emptyBodyIsRefused() {
        assertThat(catchTally(() -> parser.parseSingle(new byte[0])).code())
                .isIn(ErrorCode.INVALID_JSON, ErrorCode.INVALID_REQUEST);
        assertThat(catchTally(() -> parser.parseBatch(new byte[0])).code())
                .isIn(ErrorCode.INVALID_JSON, ErrorCode.INVALID_REQUEST);
    }

    @Test
    void batchThatIsNotAnArrayIsInvalidRequestNamingTheField() {
        TallyException e = catchTally(() -> parser.parseBatch(utf8("{\"batch\": {\"event\": \"a\"}}")));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.field()).contains("batch");
    }

    @Test
    void missingBatchIsInvalidRequestNamingTheField() {
        TallyException e = catchTally(() -> parser.parseBatch(utf8("{\"writeKey\": \"wk\"}")));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.field()).contains("batch");
    }

    @Test
    void batchElementsThatAreNotObjectsAreLeftForValidation() {
        ParsedRequest request = parser.parseBatch(utf8("{\"batch\": [1, \"two\", null, [3]]}"));

        assertThat(request.messages()).hasSize(4);
    }

    private static String nested(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }

    private static void assertFailsWith(ThrowingCallable call, ErrorCode code) {
        assertThat(catchTally(call).code()).isEqualTo(code);
    }

    private static TallyException catchTally(ThrowingCallable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(TallyException.class);
        return (TallyException) thrown;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
