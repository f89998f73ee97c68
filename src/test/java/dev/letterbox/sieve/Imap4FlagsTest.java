package dev.letterbox.sieve;

import static dev.letterbox.sieve.Sieve.assertActions;
import static dev.letterbox.sieve.Sieve.assertCompileError;

import org.junit.jupiter.api.Test;

/** RFC 5232 imap4flags: the internal variable, :flags on keep and fileinto, hasflag, named variables. */
class Imap4FlagsTest {
    private static TestMessage msg() {
        return TestMessage.of("From: boss@frobnitzm.example.edu\nSubject: x\n\n");
    }

    @Test
    void internalVariableGoesToImplicitKeep() {
        assertActions("require \"imap4flags\"; addflag \"\\\\Seen\"; addflag [\"\\\\Flagged $Work\", \"\\\\seen\"];"
                + " removeflag \"\\\\Seen\";", msg(), "implicit keep [\\Flagged, $Work]");
        assertActions("require \"imap4flags\"; setflag \"a b\"; setflag \"c\";", msg(), "implicit keep [c]");
    }

    @Test
    void rfcExampleFlagsOnFileintoAndKeep() {
        String s = """
                require ["imap4flags", "fileinto"];
                if header :contains "from" "boss@frobnitzm.example.edu" {
                    setflag "\\\\Flagged";
                    fileinto "INBOX.From Boss";
                }
                if header :contains "subject" "x" {
                    fileinto :flags "\\\\Deleted \\\\Seen" "Trash";
                    keep :flags "$Important";
                }
                """;
        assertActions(s, msg(), "fileinto INBOX.From Boss [\\Flagged]", "fileinto Trash [\\Deleted, \\Seen]",
                "keep [$Important]");
    }

    @Test
    void hasflag() {
        String s = """
                require ["imap4flags", "fileinto"];
                addflag "\\\\Seen $Label1";
                if hasflag :is "$label1" { fileinto "has"; }
                if hasflag :contains "Label" { fileinto "contains"; }
                if hasflag "\\\\Answered" { fileinto "never"; }
                """;
        assertActions(s, msg(), "fileinto has [\\Seen, $Label1]", "fileinto contains [\\Seen, $Label1]");
    }

    @Test
    void namedVariables() {
        String s = """
                require ["imap4flags", "variables", "fileinto", "relational", "comparator-i;ascii-numeric"];
                setflag "mine" "\\\\Deleted";
                addflag "mine" ["$A", "$B"];
                removeflag "mine" "$A";
                if hasflag :count "eq" :comparator "i;ascii-numeric" "mine" "2" { fileinto "${mine}"; }
                """;
        assertActions(s, msg(), "fileinto \\Deleted $B");
    }

    @Test
    void errors() {
        assertCompileError("addflag \"a\";", "line 1: addflag needs require \"imap4flags\"");
        assertCompileError("require \"imap4flags\"; setflag \"v\" \"a\";",
                "line 1: setflag with a variable name needs require \"variables\"");
        assertCompileError("keep :flags \"a\";", "line 1: keep :flags needs require \"imap4flags\"");
    }
}
