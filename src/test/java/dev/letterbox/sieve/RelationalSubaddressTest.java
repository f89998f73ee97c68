package dev.letterbox.sieve;

import static dev.letterbox.sieve.Sieve.assertActions;
import static dev.letterbox.sieve.Sieve.assertCompileError;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5231 relational with the i;ascii-numeric comparator (RFC 4790), and RFC 5233 subaddress. */
class RelationalSubaddressTest {
    private static final String RFC5231 = """
            require ["relational", "comparator-i;ascii-numeric", "fileinto"];
            if header :value "lt" :comparator "i;ascii-numeric" ["x-priority"] ["3"] {
                fileinto "Priority";
            } elsif address :count "gt" :comparator "i;ascii-numeric" ["to"] ["5"] {
                fileinto "SPAM";
            } elsif address :value "gt" :all :comparator "i;ascii-casemap" ["from"] ["M"] {
                fileinto "From N-Z";
            } else {
                fileinto "From A-M";
            }
            if allof (address :count "eq" :comparator "i;ascii-numeric" ["to", "cc"] ["1"],
                      address :all :comparator "i;ascii-casemap" ["to", "cc"] ["me@foo.example.com"]) {
                fileinto "Only me";
            }
            """;

    @Test
    void rfcExample() {
        assertActions(RFC5231, TestMessage.of("X-Priority: 1\nFrom: a@b.example\nTo: me@foo.example.com\n\n"),
                "fileinto Priority", "fileinto Only me");
        assertActions(RFC5231, TestMessage.of("X-Priority: 3\nFrom: a@b.example\nTo: a@x, b@x, c@x, d@x, e@x, f@x\n\n"),
                "fileinto SPAM");
        assertActions(RFC5231, TestMessage.of("From: zed@b.example\nTo: me@foo.example.com, other@x\n\n"),
                "fileinto From N-Z");
        assertActions(RFC5231, TestMessage.of("From: al@b.example\nCc: me@foo.example.com\n\n"),
                "fileinto From A-M", "fileinto Only me");
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "gt|10|9|true",
            "gt|9|10|false",
            "ge|010|10|true",
            "lt|abc|5|false",  // a non-number is positive infinity
            "gt|abc|99999999999999999999999|true",
            "eq|abc|xyz|true", // both infinity
            "ne|1|01|false",
            "le|7x|7|true",
    })
    void asciiNumeric(String rel, String value, String key, boolean expected) {
        String s = "require [\"relational\", \"comparator-i;ascii-numeric\"]; if header :value \"" + rel
                + "\" :comparator \"i;ascii-numeric\" \"x-n\" \"" + key + "\" { discard; }";
        assertActions(s, TestMessage.of("X-N: " + value + "\n\n"), expected ? "discard" : "implicit keep");
    }

    @Test
    void countOfAbsentHeaderIsZero() {
        String s = "require [\"relational\", \"comparator-i;ascii-numeric\"];"
                + " if header :count \"eq\" :comparator \"i;ascii-numeric\" \"x-none\" \"0\" { discard; }";
        assertActions(s, TestMessage.of("X: y\n\n"), "discard");
    }

    private static final String RFC5233 = """
            require ["envelope", "subaddress", "fileinto"];
            if envelope :user "to" "postmaster" { fileinto "inbox.postmaster"; stop; }
            if envelope :detail :is "to" "mta-filters" { fileinto "inbox.ietf-mta-filters"; stop; }
            if address :detail :is "to" "" { fileinto "inbox.empty-detail"; stop; }
            if address :user :is "to" "ken" { fileinto "inbox.ken"; }
            """;

    @Test
    void subaddressRfcExample() {
        TestMessage m = TestMessage.of("To: x@y\n\n");
        assertActions(RFC5233, m.envelope("a@b", "postmaster+foo@example.org"), "fileinto inbox.postmaster");
        assertActions(RFC5233, m.envelope("a@b", "ken+mta-filters@example.org"), "fileinto inbox.ietf-mta-filters");
        assertActions(RFC5233, TestMessage.of("To: ken+@example.org\n\n").envelope("a@b", "ken@example.org"),
                "fileinto inbox.empty-detail");
        // No separator: :detail matches nothing, not even "", and :user is the whole local part.
        assertActions(RFC5233, TestMessage.of("To: ken@example.org\n\n").envelope("a@b", "ken@example.org"),
                "fileinto inbox.ken");
    }

    @Test
    void errors() {
        assertCompileError("if header :count \"eq\" \"a\" \"1\" {}", "line 1: header :count needs require \"relational\"");
        assertCompileError("require \"relational\"; if header :value \"bigger\" \"a\" \"1\" {}",
                "line 1: unknown relation \"bigger\" (use gt, ge, lt, le, eq or ne)");
        assertCompileError("require \"comparator-i;ascii-numeric\";"
                + " if header :contains :comparator \"i;ascii-numeric\" \"a\" \"1\" {}",
                "line 1: comparator i;ascii-numeric cannot be used with :contains");
    }
}
