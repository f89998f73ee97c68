package dev.letterbox.sieve;

import static dev.letterbox.sieve.Sieve.assertActions;
import static dev.letterbox.sieve.Sieve.assertCompileError;

import org.junit.jupiter.api.Test;

/** draft-ietf-sieve-regex: :regex with match variables, comparators, :quoteregex, errors. */
class RegexTest {
    private static final String R = "require [\"regex\", \"variables\", \"fileinto\"];\n";

    @Test
    void matchVariablesFromGroups() {
        String s = R + """
                if header :regex "subject" "^\\\\[([a-z-]+)\\\\] (.*)$" { fileinto "lists.${1}/${2}"; }
                if address :regex :domain "from" "(^|\\\\.)example\\\\.(com|org)$" { fileinto "${2}"; }
                """;
        assertActions(s, TestMessage.of("Subject: [acme-users] news\nFrom: a@mail.example.org\n\n"),
                "fileinto lists.acme-users/news", "fileinto org");
    }

    @Test
    void comparatorDecidesCase() {
        TestMessage m = TestMessage.of("Subject: HELLO\n\n");
        assertActions(R + "if header :regex \"subject\" \"hel+o\" { discard; }", m, "discard");
        assertActions(R + "if header :regex :comparator \"i;octet\" \"subject\" \"hel+o\" { discard; }", m,
                "implicit keep");
    }

    @Test
    void keysFromVariablesAndQuoteregex() {
        String s = R + """
                set :quoteregex "q" "a.b*";
                fileinto "${q}";
                set "re" "^x+$";
                if header :regex "subject" "${re}" { fileinto "dynamic"; }
                if header :regex "subject" "${q}" { fileinto "never"; }
                """;
        assertActions(s, TestMessage.of("Subject: xxx\n\n"), "fileinto a\\.b\\*", "fileinto dynamic");
        assertActions(R + "set \"re\" \"((\"; if header :regex \"subject\" \"${re}\" { discard; }",
                TestMessage.of("Subject: x\n\n"), "error line 2: bad regular expression \"((\": Unclosed group");
    }

    @Test
    void errors() {
        assertCompileError(R + "if header :regex \"subject\" \"((\" {}",
                "line 2: bad regular expression \"((\": Unclosed group");
        assertCompileError("require [\"regex\", \"comparator-i;ascii-numeric\"];"
                + " if header :regex :comparator \"i;ascii-numeric\" \"a\" \"1\" {}",
                "line 1: comparator i;ascii-numeric cannot be used with :regex");
    }
}
