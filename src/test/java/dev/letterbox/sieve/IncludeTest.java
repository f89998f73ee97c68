package dev.letterbox.sieve;

import static dev.letterbox.sieve.Sieve.assertActions;
import static dev.letterbox.sieve.Sieve.assertCompileError;

import org.junit.jupiter.api.Test;

/** RFC 6609 include, return and global. */
class IncludeTest {
    @Test
    void rfcGlobalVariablesExample() {
        TestMessage m = TestMessage.of("Subject: Make money fast\n\n");
        m.personal.put("subject_tests", """
                require ["variables", "include"];
                global "test";
                global "test_mailbox";
                if header :contains "Subject" "${test}" {
                    set "test_mailbox" "spam-${test}";
                }
                """);
        String s = """
                require ["variables", "include", "relational", "fileinto"];
                global "test";
                global "test_mailbox";
                set "test" "$$";
                include "subject_tests";
                set "test" "Make money";
                include "subject_tests";
                if string :count "eq" "${test_mailbox}" "1" {
                    fileinto "${test_mailbox}";
                    stop;
                }
                """;
        assertActions(s, m, "fileinto spam-Make money");
    }

    @Test
    void personalAndGlobalLocationsReturnAndStop() {
        TestMessage m = TestMessage.of("Subject: x\n\n");
        m.global.put("spam_tests", "require [\"fileinto\", \"include\"]; fileinto \"global\"; return; fileinto \"never\";");
        m.personal.put("spam_tests", "require \"fileinto\"; fileinto \"personal\"; stop;");
        assertActions("require [\"include\", \"fileinto\"]; include :global \"spam_tests\";"
                + " include :personal \"spam_tests\"; fileinto \"after\";", m, "fileinto global", "fileinto personal");
    }

    @Test
    void localVariablesStayLocal() {
        TestMessage m = TestMessage.of("Subject: x\n\n");
        m.personal.put("inner", "require \"variables\"; set \"v\" \"inner\";");
        assertActions("require [\"include\", \"variables\", \"fileinto\"]; set \"v\" \"outer\"; include \"inner\";"
                + " fileinto \"${v}\";", m, "fileinto outer");
    }

    @Test
    void onceOptionalMissingAndLoops() {
        TestMessage m = TestMessage.of("Subject: x\n\n");
        m.personal.put("add", "require \"imap4flags\"; addflag \"$${x}\";".replace("$${x}", "$Seen1"));
        m.personal.put("loop", "require \"include\"; include \"loop\";");
        m.personal.put("a", "require \"include\"; include \"b\";");
        m.personal.put("b", "require \"include\"; include \"a\";");
        m.personal.put("broken", "require \"fileinto\"; fileinto;");
        assertActions("require \"include\"; include :once \"add\"; include :once \"add\";", m,
                "implicit keep [$Seen1]");
        assertActions("require \"include\"; include :optional \"nothing\";", m, "implicit keep");
        assertActions("require \"include\"; include \"nothing\";", m,
                "error line 1: included script :personal \"nothing\" does not exist");
        assertActions("require \"include\"; include \"loop\";", m,
                "error line 1: include loop: :personal \"loop\" includes itself");
        assertActions("require \"include\"; include \"a\";", m,
                "error line 1: include loop: :personal \"a\" includes itself");
        assertActions("require \"include\";\ninclude \"broken\";", m,
                "error line 2: included script :personal \"broken\" does not compile: line 1: fileinto needs "
                        + "mailbox name, got none");
    }

    @Test
    void depthIsBounded() {
        TestMessage m = TestMessage.of("Subject: x\n\n");
        for (int i = 0; i < 10; i++) m.personal.put("s" + i, "require \"include\"; include \"s" + (i + 1) + "\";");
        m.personal.put("s10", "keep;");
        assertActions("require \"include\"; include \"s0\";", m, "error line 1: includes nested deeper than 5");
    }

    @Test
    void errors() {
        assertCompileError("include \"x\";", "line 1: include needs require \"include\"");
        assertCompileError("require \"include\"; global \"x\";", "line 1: global needs require \"variables\"");
        assertCompileError("require \"include\"; include :global :personal \"x\";",
                "line 1: include takes one location, not both :global and :personal");
        assertCompileError("require \"include\"; include \"a/b\";", "line 1: \"a/b\" is not a script name");
    }
}
