package dev.letterbox.sieve;

import static dev.letterbox.sieve.Sieve.assertActions;
import static dev.letterbox.sieve.Sieve.assertCompileError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A hostile or broken script ends in an implicit keep, quickly: every bound of {@link Limits}. */
class LimitsTest {
    private static TestMessage msg() {
        return TestMessage.of("Subject: " + "a".repeat(40) + "!\n\n");
    }

    private static SieveResult run(String script, Limits limits, MessageView m) throws SieveException {
        return SieveScript.compile(script, limits).run(m);
    }

    @Test
    void runtimeErrorKeepsWithoutFlagsAndCancelsEverythingElse() {
        assertActions("require [\"imap4flags\", \"fileinto\"]; addflag \"\\\\Seen\"; fileinto \"a\";"
                + " redirect \"x@y.example\";\nfileinto \"\";", msg(),
                "error line 2: fileinto needs a mailbox name, not an empty string");
        SieveResult r = Sieve.run("require \"imap4flags\"; addflag \"\\\\Seen\"; redirect \"a@b.example\";"
                + " redirect \"c@b.example\"; redirect \"d@b.example\"; redirect \"e@b.example\";"
                + " redirect \"f@b.example\";", msg());
        assertEquals(List.of(new Action.Keep(List.of(), true)), r.actions());
        assertEquals("line 1: more than 4 redirects", r.error().orElseThrow());
    }

    @Test
    void callerChoosesTheRedirectLimit() throws Exception {
        String s = "redirect \"a@b.example\"; redirect \"c@b.example\";";
        assertEquals("line 1: more than 1 redirects",
                run(s, Limits.defaults().withMaxRedirects(1), msg()).error().orElseThrow());
    }

    @Test
    void catastrophicRegexIsStopped() throws Exception {
        // The back reference defeats the JDK's own guard against nested quantifiers.
        long start = System.nanoTime();
        SieveResult r = run("require \"regex\"; if header :regex \"subject\" \"^(a+)+\\\\1$\" { discard; }",
                Limits.defaults().withMaxRunTime(Duration.ofMillis(100)), msg());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals("line 1: the script ran longer than 100 ms", r.error().orElseThrow());
        assertEquals(List.of(new Action.Keep(List.of(), true)), r.actions());
        assertTrue(ms < 5000, "took " + ms + " ms");
    }

    @Test
    void manyStarsStayFast() {
        TestMessage m = TestMessage.of("Subject: " + "a".repeat(3000) + "\n\n");
        String pattern = "*a".repeat(20) + "*b";
        long start = System.nanoTime();
        assertActions("if header :matches \"subject\" \"" + pattern + "\" { discard; }", m, "implicit keep");
        assertActions("require \"variables\"; if header :matches \"subject\" \"" + pattern + "\" { discard; }", m,
                "implicit keep");
        assertTrue((System.nanoTime() - start) / 1_000_000 < 2000);
        assertActions("require \"variables\"; if header :matches \"subject\" \"*a*a*a\" { discard; }", m, "discard");
    }

    @Test
    void stepsActionsAndVariablesAreBounded() throws Exception {
        assertEquals("line 1: more than 10 commands and tests executed",
                run("keep;".repeat(11), Limits.defaults().withMaxSteps(10), msg()).error().orElseThrow());
        StringBuilder many = new StringBuilder("require \"fileinto\";");
        for (int i = 0; i < 70; i++) many.append("fileinto \"f").append(i).append("\";");
        assertActions(many.toString(), msg(), "error line 1: more than 64 actions");
        StringBuilder vars = new StringBuilder("require \"variables\";");
        for (int i = 0; i < 600; i++) vars.append("set \"v").append(i).append("\" \"x\";");
        assertActions(vars.toString(), msg(), "error line 1: more than 512 variables");
    }

    @Test
    void scriptSizeIsBounded() {
        assertCompileError("#" + "x".repeat(1 << 20), "line 1: the script is longer than 1048576 characters");
    }

    @Test
    void aFailingMessageViewStillKeeps() {
        TestMessage broken = new TestMessage() {
            @Override
            public long size() {
                throw new IllegalStateException("blob gone");
            }
        };
        SieveResult r = Sieve.run("if size :over 1 { discard; }", broken);
        assertEquals(List.of(new Action.Keep(List.of(), true)), r.actions());
        assertTrue(r.error().orElseThrow().contains("blob gone"));
    }
}
