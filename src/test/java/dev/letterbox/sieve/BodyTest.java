package dev.letterbox.sieve;

import static dev.letterbox.sieve.Sieve.RFC_MESSAGE;
import static dev.letterbox.sieve.Sieve.assertActions;
import static dev.letterbox.sieve.Sieve.assertCompileError;

import org.junit.jupiter.api.Test;

/** RFC 5173 body: :text (default), :content types, :raw, and the size bound. */
class BodyTest {
    @Test
    void rfcExamples() {
        TestMessage m = TestMessage.of(RFC_MESSAGE);
        assertActions("require \"body\"; if body :contains \"birdseed\" { discard; }", m, "discard");
        assertActions("require \"body\"; if body :text :contains \"BIRDSEED\" { discard; }", m, "discard");
        assertActions("require \"body\"; if body :raw :contains \"MAKE MONEY FAST\" { discard; }", m,
                "implicit keep");
        assertActions("require \"body\"; if body :matches \"*anvil*\" { discard; }", m, "discard");
    }

    @Test
    void contentTypes() {
        TestMessage m = TestMessage.of("Subject: x\n\n");
        m.parts.add(new BodyPart("text/plain", "the missile is ready"));
        m.parts.add(new BodyPart("text/html", "coordinates"));
        m.parts.add(new BodyPart("application/pdf", "%PDF secret"));
        String s = """
                require ["body", "fileinto"];
                if body :content "text" :contains ["missile", "coordinates"] { fileinto "secrets"; }
                if body :content "text/html" :contains "missile" { fileinto "html"; }
                if body :content "application/pdf" :contains "secret" { fileinto "pdf"; }
                if body :content "" :contains "%PDF" { fileinto "any"; }
                if body :contains "secret" { fileinto "text-only"; }
                """;
        assertActions(s, m, "fileinto secrets", "fileinto pdf", "fileinto any");
    }

    @Test
    void bodyBeyondTheBoundIsNotSearched() throws Exception {
        TestMessage m = TestMessage.of("Subject: x\n\n");
        m.parts.add(new BodyPart("text/plain", "a".repeat(2 << 20) + "needle"));
        assertActions("require \"body\"; if body :contains \"needle\" { discard; }", m, "implicit keep");
        m.parts.set(0, new BodyPart("text/plain", "a".repeat(1000) + "needle"));
        assertActions("require \"body\"; if body :contains \"needle\" { discard; }", m, "discard");
    }

    @Test
    void errors() {
        assertCompileError("if body :contains \"x\" {}", "line 1: body needs require \"body\"");
        assertCompileError("require \"body\"; if body :raw :text \"x\" {}",
                "line 1: body takes one body transform, not both :raw and :text");
    }
}
