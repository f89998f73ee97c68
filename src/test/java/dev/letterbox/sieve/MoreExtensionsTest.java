package dev.letterbox.sieve;

import static dev.letterbox.sieve.Sieve.assertActions;
import static dev.letterbox.sieve.Sieve.assertCompileError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.letterbox.sieve.SieveResult.DuplicateMark;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The smaller extensions: duplicate (RFC 7352), spamtest/spamtestplus/virustest (RFC 3685/5235),
 * environment (RFC 5183), mailbox (RFC 5490), encoded-character (RFC 5228 §2.4.2.4), copy (RFC 3894).
 */
class MoreExtensionsTest {
    private static TestMessage msg() {
        return TestMessage.of("Message-ID: <123@example.org>\nSubject: ALERT: disk full\n\n");
    }

    @Test
    void duplicateByMessageId() {
        String s = "require [\"duplicate\", \"fileinto\", \"mailbox\"];"
                + " if duplicate { fileinto :create \"Trash/Duplicate\"; }";
        TestMessage m = msg();
        SieveResult first = Sieve.run(s, m);
        assertEquals(List.of("implicit keep"), Sieve.describe(first.actions()));
        DuplicateMark mark = first.duplicateMarks().get(0);
        assertEquals(new DuplicateMark("\u0000<123@example.org>", 7 * 24 * 3600, false), mark);
        m.seenIds.add(mark.id());
        assertActions(s, m, "fileinto Trash/Duplicate :create");
    }

    @Test
    void duplicateByUniqueIdHandleAndSeconds() {
        String s = """
                require ["duplicate", "variables", "imap4flags", "fileinto"];
                if header :matches "subject" "ALERT: *" {
                    if duplicate :seconds 60 :handle "alerts" :uniqueid "${1}" { setflag "\\\\seen"; }
                    fileinto "Alerts";
                }
                """;
        TestMessage m = msg();
        SieveResult r = Sieve.run(s, m);
        assertEquals(List.of(new DuplicateMark("alerts\u0000disk full", 60, false)), r.duplicateMarks());
        m.seenIds.add("alerts\u0000disk full");
        assertActions(s, m, "fileinto Alerts [\\seen]");
        assertActions("require \"duplicate\"; if duplicate :header \"x-none\" { discard; }", m, "implicit keep");
        assertCompileError("require \"duplicate\"; if duplicate :header \"a\" :uniqueid \"b\" {}",
                "line 1: duplicate takes one id source, not both :header and :uniqueid");
    }

    private static final String SPAM = """
            require ["spamtest", "fileinto", "relational", "comparator-i;ascii-numeric"];
            if spamtest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto "INBOX.unclassified"; }
            elsif spamtest :value "ge" :comparator "i;ascii-numeric" "3" { fileinto "INBOX.spam-trap"; }
            """;

    @Test
    void spamtest() {
        TestMessage m = msg();
        assertActions(SPAM, m, "fileinto INBOX.unclassified");
        m.spam = 10;
        assertActions(SPAM, m, "implicit keep");
        m.spam = 30;
        assertActions(SPAM, m, "fileinto INBOX.spam-trap");
        String plus = """
                require ["spamtestplus", "fileinto", "relational", "comparator-i;ascii-numeric"];
                if spamtest :percent :count "eq" :comparator "i;ascii-numeric" "0" { fileinto "untested"; }
                elsif spamtest :percent :value "gt" :comparator "i;ascii-numeric" "50" { fileinto "spam"; }
                """;
        assertActions(plus, m, "implicit keep");
        m.spam = 51;
        assertActions(plus, m, "fileinto spam");
        m.spam = null;
        assertActions(plus, m, "fileinto untested");
        assertCompileError("require \"spamtest\"; if spamtest :percent \"1\" {}",
                "line 1: spamtest :percent needs require \"spamtestplus\"");
    }

    @Test
    void virustest() {
        String s = """
                require ["virustest", "fileinto", "relational", "comparator-i;ascii-numeric"];
                if virustest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto "INBOX.unclassified"; }
                if virustest :value "ge" :comparator "i;ascii-numeric" "4" { discard; stop; }
                """;
        TestMessage m = msg();
        assertActions(s, m, "fileinto INBOX.unclassified");
        m.virus = 5;
        assertActions(s, m, "discard");
        m.virus = 1;
        assertActions(s, m, "implicit keep");
    }

    @Test
    void environment() {
        TestMessage m = msg();
        m.environment.put("remote-host", "mx.example.net");
        m.environment.put("phase", "during");
        String s = """
                require ["environment", "fileinto"];
                if environment :matches "remote-host" "*.example.net" { fileinto "a"; }
                if environment :is "PHASE" "during" { fileinto "b"; }
                if environment :contains "no-such-item" "" { fileinto "never"; }
                """;
        assertActions(s, m, "fileinto a", "fileinto b");
    }

    @Test
    void mailboxexistsAndCreate() {
        String s = """
                require ["fileinto", "mailbox"];
                if mailboxexists "Partners" { fileinto "Partners"; }
                else { fileinto :create "Partners/New"; }
                """;
        TestMessage m = msg();
        assertActions(s, m, "fileinto Partners/New :create");
        m.mailboxes.add("Partners");
        assertActions(s, m, "fileinto Partners");
        assertCompileError("require \"fileinto\"; fileinto :create \"x\";",
                "line 1: fileinto :create needs require \"mailbox\"");
    }

    @Test
    void encodedCharacter() {
        TestMessage m = TestMessage.of("Subject: $$$ ∘ ✓\n\n");
        assertActions("require \"encoded-character\"; if header :contains \"Subject\" \"$${hex:24 24}\" { discard; }",
                m, "discard");
        assertActions("require \"encoded-character\"; if header :contains \"Subject\" \"${unicode:2218} "
                + "${UNICODE:2713}\" { discard; }", m, "discard");
        // Without the require, or malformed, the sequence is taken as written.
        assertActions("if header :contains \"Subject\" \"${hex:24}\" { discard; }", m, "implicit keep");
        assertActions("require [\"encoded-character\", \"fileinto\"]; fileinto \"${hex:zz}${unicode:}\";", m,
                "fileinto ${hex:zz}");
        assertCompileError("require [\"encoded-character\", \"fileinto\"]; keep;\nfileinto \"${hex:ff}\";",
                "line 2: ${hex:ff} is not UTF-8");
        assertCompileError("require [\"encoded-character\", \"fileinto\"]; fileinto \"${unicode:110000}\";",
                "line 1: ${unicode:110000} is not a Unicode character");
    }

    @Test
    void copy() {
        assertActions("require [\"copy\", \"fileinto\"]; fileinto :copy \"x\"; redirect :copy \"a@b.example\";",
                msg(), "fileinto x", "redirect a@b.example :copy", "implicit keep");
        assertActions("require \"copy\"; redirect :copy \"a@b.example\"; redirect \"c@d.example\";", msg(),
                "redirect a@b.example :copy", "redirect c@d.example");
        assertEquals(new Action.FileInto("x", List.of(), false, true),
                Sieve.run("require [\"copy\", \"fileinto\"]; fileinto :copy \"x\";", msg()).actions().get(0));
    }
}
