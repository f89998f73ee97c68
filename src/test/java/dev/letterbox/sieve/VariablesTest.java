package dev.letterbox.sieve;

import static dev.letterbox.sieve.Sieve.assertActions;
import static dev.letterbox.sieve.Sieve.assertCompileError;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5229 variables: set and its modifiers, ${...} expansion, match variables, the string test. */
class VariablesTest {
    private static final String V = "require [\"variables\", \"fileinto\"];\n";

    private static TestMessage msg(String headers) {
        return TestMessage.of(headers + "\n\n");
    }

    @Test
    void expansionIsCaseInsensitiveAndUnknownIsEmpty() {
        String s = V + """
                set "honorific"  "Mr";
                set "last_name"  "Coyote";
                fileinto "${HONORIFIC} ${last_name}${unknown}";
                """;
        assertActions(s, msg("X: y"), "fileinto Mr Coyote");
    }

    @Test
    void multiLineValue() {
        String s = V + "set \"vacation\" text:\nDear ${name},\nI'm out.\n.\n;\n"
                + "if string :is \"${vacation}\" \"Dear ,\r\nI'm out.\r\n\" { discard; }";
        assertActions(s, msg("X: y"), "discard");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // RFC 5229 §4.1's own examples, with a = "juMBlEd lETteRS"
            "set :length \"b\" \"${a}\";|15",
            "set :lower \"b\" \"${a}\";|jumbled letters",
            "set :upperfirst \"b\" \"${a}\";|JuMBlEd lETteRS",
            "set :upperfirst :lower \"b\" \"${a}\";|Jumbled letters",
            "set :lowerfirst :upper \"b\" \"${a}\";|jUMBLED LETTERS",
            "set :quotewildcard \"b\" \"Rock*\";|Rock\\*",
            "set :length :upper \"b\" \"${a}x\";|16",
    })
    void setModifiers(String set, String expected) {
        String s = V + "set \"a\" \"juMBlEd lETteRS\";\n" + set + "\nfileinto \"${b}\";";
        assertActions(s, msg("X: y"), "fileinto " + expected);
    }

    @Test
    void matchVariablesFromTheRfc() {
        String s = V + """
                if header :matches "List-ID" "*<*@*" {
                    fileinto "INBOX.lists.${2}"; stop;
                }
                if header :matches "Subject" "[*] *" {
                    fileinto "INBOX.lists.${1}"; stop;
                }
                if address :matches ["To", "Cc"] ["coyote@**.com", "wile@**.com"] {
                    fileinto "INBOX.business.${2}${1}"; stop;
                }
                """;
        assertActions(s, msg("List-ID: Sieve <sieve.ietf.org@lists>"), "fileinto INBOX.lists.sieve.ietf.org");
        assertActions(s, msg("Subject: [acme-users] [fwd] version 1.0 is out"), "fileinto INBOX.lists.acme-users");
        assertActions(s, msg("To: coyote@ACME.Example.COM"), "fileinto INBOX.business.ACME.Example");
        assertActions(V + "if header :matches \"Subject\" \"[*] *\" { fileinto \"${2}|${0}\"; }",
                msg("Subject: [acme-users] [fwd] version 1.0 is out"),
                "fileinto [fwd] version 1.0 is out|[acme-users] [fwd] version 1.0 is out");
    }

    @Test
    void failedMatchLeavesMatchVariables() {
        String s = V + """
                if header :matches "Subject" "*" { }
                if header :matches "Subject" "nope*" { }
                fileinto "${1}";
                """;
        assertActions(s, msg("Subject: hello"), "fileinto hello");
    }

    @Test
    void stringTest() {
        String s = V + """
                set "state" "${state} pending";
                if string :matches " ${state} " "* pending *" { fileinto "yes"; }
                if string :count "eq" :comparator "i;ascii-numeric" ["${missing}", "a", ""] "1" { fileinto "one"; }
                """;
        assertActions(s.replace("require [", "require [\"relational\", \"comparator-i;ascii-numeric\", "), msg("X: y"),
                "fileinto yes", "fileinto one");
    }

    @Test
    void invalidReferencesStayLiteral() {
        assertActions(V + "fileinto \"${a b}${}${1x}$${x\";", msg("X: y"), "fileinto ${a b}${}${1x}$${x");
    }

    @Test
    void withoutVariablesNothingExpands() {
        assertActions("require \"fileinto\"; fileinto \"${x}\";", msg("X: y"), "fileinto ${x}");
    }

    @Test
    void longValuesAreTruncated() {
        String s = V + "set \"a\" \"0123456789\";" + "set \"a\" \"${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}\";".repeat(4)
                + "if string :value \"eq\" :comparator \"i;ascii-numeric\" \"${a}\" \"0\" {}"
                + "set :length \"n\" \"${a}\"; fileinto \"${n}\";";
        assertActions(s.replace("require [", "require [\"relational\", \"comparator-i;ascii-numeric\", "), msg("X: y"),
                "fileinto 4096");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "set \"a\" \"b\";|line 1: set needs require \"variables\"",
            "require \"variables\"; set \"1\" \"b\";|line 1: \"1\" is not a variable name",
            "require \"variables\"; set \"a-b\" \"b\";|line 1: \"a-b\" is not a variable name",
            "require \"variables\"; set :lower :upper \"a\" \"b\";|line 1: set takes one case modifier",
            "require \"variables\"; set \"a\";|line 1: set needs variable name, value, got 1 argument",
            "require \"variables\"; set :quoteregex \"a\" \"b\";|line 1: set :quoteregex needs require \"regex\"",
            "if string \"a\" \"b\" {}|line 1: string needs require \"variables\"",
    })
    void errors(String script, String error) {
        assertCompileError(script, error);
    }
}
