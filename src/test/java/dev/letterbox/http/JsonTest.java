package dev.letterbox.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The admin API's JSON reader and writer: RFC 8259 syntax, held strictly. */
class JsonTest {
    @Test
    void parsesEveryKindOfValue() throws Exception {
        Object v = Json.parse(" {\"s\": \"a\\\"b\\\\c\\u00e9\\n\", \"n\": -42, \"t\": true, \"f\": false, \"z\": null,"
                + " \"list\": [1, \"x\", [], {}]} ");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("s", "a\"b\\cé\n");
        expected.put("n", -42L);
        expected.put("t", true);
        expected.put("f", false);
        expected.put("z", null);
        expected.put("list", List.of(1L, "x", List.of(), Map.of()));
        assertEquals(expected, v);
    }

    @Test
    void surrogatePairEscapesMakeOneCharacter() throws Exception {
        assertEquals("\uD83D\uDE00", Json.parse("\"\\ud83d\\ude00\""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                         | unexpected end of input",
            "'{'                        | unexpected end of input",
            "'{\"a\":1,}'               | expected a string key",
            "'{\"a\":1 \"b\":2}'        | expected ',' or '}'",
            "'{\"a\":1,\"a\":2}'        | duplicate key \"a\"",
            "'[1,2'                     | unexpected end of input",
            "'[1 2]'                    | expected ',' or ']'",
            "'01'                       | leading zero",
            "'1.5'                      | only whole numbers",
            "'1e3'                      | only whole numbers",
            "'99999999999999999999'     | out of range",
            "'-'                        | expected a digit",
            "'\"abc'                    | unterminated string",
            "'\"a\\qb\"'                | unknown escape",
            "'\"\\u12\"'                | \\u escape",
            "'\"\\u12zz\"'              | bad \\u escape",
            "'tru'                      | unexpected character",
            "'{} {}'                    | unexpected text after the value",
            "'{\"a\": NaN}'             | unexpected character",
    })
    void rejectsMalformedInputNamingTheProblem(String input, String problem) {
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(input));
        assertTrue(e.getMessage().startsWith("malformed JSON at offset "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void rawControlCharacterInAStringIsRefused() {
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse("\"a\tb\""));
        assertTrue(e.getMessage().contains("control character"), e.getMessage());
    }

    @Test
    void nestingIsBounded() throws Exception {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Json.parse(ok);
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        assertTrue(assertThrows(Json.JsonException.class, () -> Json.parse(deep)).getMessage().contains("nested"));
        char[] bomb = new char[100_000];
        Arrays.fill(bomb, '[');
        assertThrows(Json.JsonException.class, () -> Json.parse(new String(bomb)), "no stack overflow");
    }

    @Test
    void writesCompactEscapedJsonThatReadsBack() throws Exception {
        Map<String, Object> value = Json.obj("a", "x\"y\\z\u0001\u2028", "b", 7L, "c", List.of(true, false), "d", null);
        String text = Json.write(value);
        assertEquals("{\"a\":\"x\\\"y\\\\z\\u0001\\u2028\",\"b\":7,\"c\":[true,false],\"d\":null}", text);
        assertEquals(value, Json.parse(text));
    }
}
