package dev.letterbox.sieve;

import static dev.letterbox.sieve.Sieve.assertActions;
import static dev.letterbox.sieve.Sieve.assertCompileError;
import static dev.letterbox.sieve.Sieve.assertCompiles;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5228 §2 and §8: lexical structure and grammar, and the errors a bad script gets (with its line). */
class SieveParserTest {
    private static List<Ast.Node> parse(String s) throws SieveException {
        return Parser.parse(s, 32);
    }

    @Test
    void commandsArgumentsAndBlocks() throws Exception {
        List<Ast.Node> nodes = parse("""
                require ["fileinto", "envelope"];
                if header :Contains "Subject" ["a", "b"] { fileinto "x"; } else { keep; }
                """);
        assertEquals(3, nodes.size());
        Ast.Node req = nodes.get(0);
        assertEquals("require", req.name());
        assertEquals(new Ast.Strings(List.of("fileinto", "envelope"), true, 1), req.args().get(0));
        Ast.Node test = nodes.get(1).tests().get(0);
        assertEquals("header", test.name());
        assertEquals(new Ast.Tag(":contains", 2), test.args().get(0));
        assertEquals(new Ast.Strings(List.of("Subject"), false, 2), test.args().get(1));
        assertEquals("fileinto", nodes.get(1).block().get(0).name());
        assertEquals("else", nodes.get(2).name());
    }

    @Test
    void numbersWithQuantifiers() throws Exception {
        for (String[] c : new String[][] {{"100", "100"}, {"1K", "1024"}, {"2m", "2097152"}, {"1G", "1073741824"}}) {
            Ast.Node n = parse("if size :over " + c[0] + " { discard; }").get(0);
            assertEquals(Long.parseLong(c[1]), ((Ast.Number) n.tests().get(0).args().get(1)).value(), c[0]);
        }
    }

    @Test
    void quotedStringEscapes() throws Exception {
        Ast.Node n = parse("fileinto \"a\\\"b\\\\c\\d\";").get(0);
        assertEquals(List.of("a\"b\\cd"), ((Ast.Strings) n.args().get(0)).values());
    }

    @Test
    void multiLineStringsAreDotUnstuffedAndCommentsSkipped() throws Exception {
        String script = "# a comment\r\n/* a bracket\r\ncomment */ reject text: # trailing comment\r\n"
                + "line one\r\n..dotted\r\n.\r\n;\r\n";
        Ast.Node n = parse(script).get(0);
        assertEquals("reject", n.name());
        assertEquals(3, n.line());
        assertEquals(List.of("line one\r\n.dotted\r\n"), ((Ast.Strings) n.args().get(0)).values());
    }

    @Test
    void bareLineFeedsAreAccepted() throws Exception {
        Ast.Node n = parse("require \"reject\";\nreject text:\nhi\n.\n;\n").get(1);
        assertEquals(List.of("hi\r\n"), ((Ast.Strings) n.args().get(0)).values());
        assertEquals(2, n.line());
    }

    @Test
    void linesAreCountedAcrossStringsAndComments() throws Exception {
        List<Ast.Node> nodes = parse("keep;\nfileinto \"a\nb\";\n/*\n\n*/\nstop;");
        assertEquals(1, nodes.get(0).line());
        assertEquals(2, nodes.get(1).line());
        assertEquals(7, nodes.get(2).line());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "keep|line 1: expected ';' after keep but found the end of the script",
            "keep;\\nif true { keep;|line 2: expected '}' or a command but found the end of the script",
            "\"x\";|line 1: unexpected 'x'",
            "keep; /* open|line 1: comment /* is never closed with */",
            "\\n\\nfileinto \"abc;|line 3: string is never closed with '\"'",
            "reject text:\\nabc\\n|line 1: text: is never ended by a line with a single '.'",
            "reject text: x\\n.\\n;|line 1: text: must be followed by a line break",
            "if header : \"a\" \"b\" {}|line 1: a tag needs a name after ':'",
            "if size :over 10X {}|line 1: a number cannot be followed by letters (only K, M or G)",
            "if size :over 99999999999999999999 {}|line 1: number too large",
            "keep $;|line 1: unexpected character '$'",
            "fileinto [\"a\" \"b\"];|line 1: expected ',' or ']' in the string list but found a string",
            "if anyof (true false) {}|line 1: true does not take a test",
            "if anyof (true, {}|line 1: expected a test but found '{'",
    })
    void syntaxErrorsHaveLines(String script, String error) {
        assertCompileError(script.replace("\\n", "\n"), error);
    }

    @Test
    void nestingIsBounded() {
        String deep = "if true { ".repeat(40) + "keep;" + " }".repeat(40);
        assertCompileError(deep, "line 1: blocks nested deeper than 32");
        String deepTests = "if " + "not ".repeat(40) + "true { keep; }";
        assertCompileError(deepTests, "line 1: tests nested deeper than 32");
        assertCompiles("if true { ".repeat(30) + "keep;" + " }".repeat(30));
    }

    @Test
    void identifiersAndTagsAreCaseInsensitive() {
        assertActions("IF Header :IS \"subject\" \"x\" { DISCARD; }", TestMessage.of("Subject: X\n\n"), "discard");
    }
}
