package dev.letterbox.sieve;

import static dev.letterbox.sieve.Sieve.RFC_MESSAGE;
import static dev.letterbox.sieve.Sieve.assertActions;
import static dev.letterbox.sieve.Sieve.assertCompileError;
import static dev.letterbox.sieve.Sieve.assertCompiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5228 itself: control, actions, implicit keep, the base tests, comparators and match types. */
class SieveCoreTest {
    private static TestMessage rfc() {
        return TestMessage.of(RFC_MESSAGE);
    }

    /** RFC 5228 §9, the extended example, against four messages. */
    private static final String EXTENDED_EXAMPLE = """
            #
            # Example Sieve Filter
            # Declare any optional features or extension used by the script
            #
            require ["fileinto"];

            #
            # Handle messages from known mailing lists
            # Move messages from IETF filter discussion list to filter mailbox
            #
            if header :is "Sender" "owner-ietf-mta-filters@imc.org"
                    {
                    fileinto "filter";  # move to "filter" mailbox
                    }
            #
            # Keep all messages to or from people in my company
            #
            elsif address :DOMAIN :is ["From", "To"] "example.com"
                    {
                    keep;               # keep in "In" mailbox
                    }

            #
            # Try and catch unsolicited email.  If a message is not to me,
            # or it contains a subject known to be used by spammers, reject it.
            # Since the reject action is an extension, use discard here.
            #
            elsif anyof (NOT address :all :contains
                           ["To", "Cc", "Bcc"] "me@example.com",
                         header :matches "subject"
                           ["*make*money*fast*", "*university*dipl*mas*"])
                    {
                    discard;
                    }
            # Move all other (non-company) mail to "personal"
            # mailbox.
            else
                    {
                    fileinto "personal";
                    }
            """;

    @Test
    void extendedExample() {
        assertActions(EXTENDED_EXAMPLE, TestMessage.of("Sender: owner-ietf-mta-filters@imc.org\n\n"),
                "fileinto filter");
        assertActions(EXTENDED_EXAMPLE, TestMessage.of("From: Boss <boss@EXAMPLE.com>\nTo: me@example.org\n\n"),
                "keep");
        assertActions(EXTENDED_EXAMPLE, TestMessage.of("From: x@spam.example\nTo: you@example.org\n\n"), "discard");
        assertActions(EXTENDED_EXAMPLE,
                TestMessage.of("From: x@spam.example\nCc: me@example.com\nSubject: Make MONEY fast\n\n"), "discard");
        assertActions(EXTENDED_EXAMPLE, TestMessage.of("From: friend@elsewhere.example\nTo: list@lists.example.net\nBcc: me@example.com\n\n"),
                "fileinto personal");
    }

    @Test
    void implicitKeepUnlessCancelled() {
        assertActions("", rfc(), "implicit keep");
        assertActions("keep;", rfc(), "keep");
        assertActions("discard;", rfc(), "discard");
        assertActions("require \"fileinto\"; fileinto \"a\";", rfc(), "fileinto a");
        assertActions("redirect \"a@b.example\";", rfc(), "redirect a@b.example");
        assertActions("require [\"fileinto\", \"copy\"]; fileinto :copy \"a\"; redirect :copy \"x@y.example\";",
                rfc(), "fileinto a", "redirect x@y.example :copy", "implicit keep");
        // §4.2: keep after discard stores the message; discard only cancels the implicit keep.
        assertActions("discard; keep;", rfc(), "discard", "keep");
    }

    @Test
    void stopEndsTheScriptAndKeepsImplicitly() {
        assertActions("stop; discard;", rfc(), "implicit keep");
        assertActions("if true { stop; } discard;", rfc(), "implicit keep");
    }

    @Test
    void duplicateActionsAreDoneOnce() {
        assertActions("require \"fileinto\"; fileinto \"a\"; fileinto \"a\"; keep; keep;", rfc(), "fileinto a",
                "keep");
        assertActions("redirect \"a@b.example\"; redirect \"A@b.example\";", rfc(), "redirect a@b.example");
    }

    @Test
    void ifElsifElse() {
        String s = """
                require "fileinto";
                if header :is "Subject" "a" { fileinto "A"; }
                elsif header :is "Subject" "b" { fileinto "B"; }
                else { fileinto "C"; }
                """;
        assertActions(s, TestMessage.of("Subject: a\n\n"), "fileinto A");
        assertActions(s, TestMessage.of("Subject: b\n\n"), "fileinto B");
        assertActions(s, TestMessage.of("Subject: c\n\n"), "fileinto C");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // §5.1 address, §5.7 header, §5.5 exists, §5.9 size, §5.4 envelope
            "address :is :all \"from\" \"coyote@desert.example.org\"|true",
            "address :is :localpart \"from\" \"coyote\"|true",
            "address :is :domain \"to\" \"ACME.example.com\"|true",
            "address :is \"from\" \"coyote@desert\"|false",
            "address :contains \"to\" \"runner@acme\"|true",
            "header :contains \"Subject\" \"present\"|true",
            "header :is \"subject\" \"i have a present for you\"|true",
            "header :comparator \"i;octet\" :is \"subject\" \"i have a present for you\"|false",
            "header :matches \"subject\" \"I have a * for ?ou\"|true",
            "header :matches \"x-caffeine\" \"C?H10*\"|true",
            "header :matches \"x-caffeine\" \"C8H10\\\\*\"|false",
            "header :contains [\"from\", \"cc\"] [\"idiot@example.com\", \"coyote\"]|true",
            "header :is \"x-missing\" \"\"|false",
            "exists [\"From\", \"Date\"]|true",
            "exists [\"From\", \"X-Missing\"]|false",
            "not exists \"x-missing\"|true",
            "size :over 100|true",
            "size :under 1K|true",
            "size :over 1M|false",
            "allof (true, header :contains \"subject\" \"present\")|true",
            "allof (true, false)|false",
            "anyof (false, false)|false",
            "anyof (false, true)|true",
            "envelope :all :is \"from\" \"sender@example.org\"|true",
            "envelope :domain :is \"to\" \"example.com\"|true",
            "envelope :localpart :is \"to\" \"RCPT\"|true",
    })
    void baseTests(String test, boolean expected) {
        String script = "require \"envelope\"; if " + test + " { discard; }";
        assertActions(script, rfc(), expected ? "discard" : "implicit keep");
    }

    @Test
    void nullReversePathIsTheEmptyString() {
        TestMessage m = rfc().envelope("", "rcpt@example.com");
        assertActions("require \"envelope\"; if envelope :domain :is \"from\" \"\" { discard; }", m, "discard");
    }

    @Test
    void headerValuesAreUnfoldedAndDecoded() {
        TestMessage m = TestMessage.of("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus\n  Berlin\n\n");
        assertActions("if header :is \"subject\" \"Grüße aus  Berlin\" { discard; }", m, "discard");
    }

    @Test
    void addressesInGroupsCommentsAndDisplayNames() {
        TestMessage m = TestMessage.of(
                "To: friends: \"Doe, John\" <john@a.example>, (c) jane@b.example (Jane);, Zed <zed@c.example>\n\n");
        String s = "if address :is :domain \"to\" [\"a.example\"] { if address :is :localpart \"to\" \"jane\" "
                + "{ if address :is \"to\" \"zed@c.example\" { discard; } } }";
        assertActions(s, m, "discard");
    }

    @Test
    void rejectAndEreject() {
        assertActions("require \"reject\"; reject \"go away\";", rfc(), "reject go away");
        assertActions("require \"ereject\"; ereject \"no\";", rfc(), "ereject no");
        assertActions("require [\"reject\", \"fileinto\"]; fileinto \"x\"; reject \"no\";", rfc(),
                "error line 1: reject cannot be combined with keep or fileinto");
        assertActions("require \"reject\"; reject \"a\"; keep;", rfc(),
                "error line 1: keep cannot be combined with reject");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "require \"frobnicate\";|line 1: unknown extension \"frobnicate\"",
            "keep;\\nrequire \"fileinto\";|line 2: require must come before other commands",
            "\\nfileinto \"x\";|line 2: fileinto needs require \"fileinto\"",
            "frob;|line 1: unknown command \"frob\"",
            "if frob { keep; }|line 1: unknown test \"frob\"",
            "if true keep;|line 1: if needs a block { ... }",
            "if true;|line 1: if needs a block { ... }",
            "elsif true { keep; }|line 1: elsif without an if before it",
            "keep { }|line 1: keep does not take a block",
            "keep :copy;|line 1: keep does not take :copy",
            "require \"fileinto\"; fileinto :copy \"x\";|line 1: fileinto :copy needs require \"copy\"",
            "require \"fileinto\"; fileinto;|line 1: fileinto needs mailbox name, got none",
            "require \"fileinto\"; fileinto [\"a\", \"b\"];|line 1: fileinto: the mailbox name must be a string",
            "require \"fileinto\"; fileinto \"a\" \"b\";|line 1: fileinto needs mailbox name, got 2 arguments",
            "redirect \"not an address\";|line 1: redirect needs an address like user@example.org",
            "if header :is :contains \"a\" \"b\" {}|line 1: header takes one match type, not both :is and :contains",
            "if header :is :is \"a\" \"b\" {}|line 1: :is is given twice",
            "if header \"a\" :is \"b\" {}|line 1: :is must come before header's other arguments",
            "if header :comparator \"i;foo\" \"a\" \"b\" {}|line 1: unknown comparator \"i;foo\"",
            "if header :comparator \"i;ascii-numeric\" \"a\" \"b\" {}|line 1: comparator i;ascii-numeric needs require",
            "if header :comparator {}|line 1: :comparator needs a string (not a list) after it",
            "if size 100 {}|line 1: size needs :over or :under",
            "if size :over \"1\" {}|line 1: size: the limit must be a number",
            "if not (true, false) {}|line 1: not needs exactly one test",
            "if allof true {}|line 1: allof needs a test list",
            "if true true {}|line 1: true does not take a test",
            "if address :user \"to\" \"x\" {}|line 1: address :user needs require \"subaddress\"",
            "require \"envelope\"; if envelope \"x-to\" \"a\" {}|line 1: unknown envelope part \"x-to\"",
            "if header :regex \"a\" \"b\" {}|line 1: header :regex needs require \"regex\"",
            "stop 1;|line 1: stop needs no arguments, got 1 argument",
    })
    void compileErrorsSayWhatAndWhere(String script, String error) {
        assertCompileError(script.replace("\\n", "\n"), error);
    }

    @Test
    void comparatorsCanBeRequiredExplicitly() {
        assertCompiles("require [\"comparator-i;octet\", \"comparator-i;ascii-casemap\"]; keep;");
    }
}
