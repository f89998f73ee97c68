package dev.letterbox.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DATA content per RFC 5321 §4.1.1.4 and §4.5.2, and the smuggling sequences that must not end it. */
class DataReaderTest {
    private record Run(DataReader.Result result, String content, String rest) {}

    private static Run read(String wire, long max) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataReader.Result r = DataReader.copy(in, out, max);
        return new Run(r, out.toString(StandardCharsets.ISO_8859_1), new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void endsAtCrlfDotCrlfAndLeavesWhatFollows() throws Exception {
        Run run = read("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n", 0);
        assertTrue(run.result().accepted());
        assertEquals("Subject: x\r\n\r\nbody\r\n", run.content());
        assertEquals("QUIT\r\n", run.rest(), "not one byte past the terminator is consumed");
        assertEquals(run.content().length(), run.result().size());
    }

    @Test
    void emptyMessage() throws Exception {
        Run run = read(".\r\nNOOP\r\n", 0);
        assertEquals("", run.content());
        assertEquals("NOOP\r\n", run.rest());
    }

    @Test
    void leadingDotsAreUnstuffed() throws Exception {
        Run run = read("..\r\n..leading\r\n.x\r\nmid.dle\r\n...\r\n.\r\n", 0);
        assertEquals(".\r\n.leading\r\nx\r\nmid.dle\r\n..\r\n", run.content());
    }

    /** Each of these would end the message at a server that accepts a sloppy terminator. */
    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\r\n.\r", "\r.\r", "\n.\r"})
    void smugglingSequencesNeitherEndNorSplitTheMessage(String fake) throws Exception {
        String smuggled = "MAIL FROM:<evil@example.org>\r\nRCPT TO:<victim@example.test>\r\nDATA\r\nforged\r\n";
        Run run = read("Subject: x\r\n\r\nhello" + fake + smuggled + ".\r\nNOOP\r\n", 0);
        assertTrue(run.result().badLineEnding(), "refused, not accepted");
        assertFalse(run.result().accepted());
        assertEquals("NOOP\r\n", run.rest(), "read up to the real terminator, so the smuggled lines are not commands");
    }

    @Test
    void bareCrInsideTextIsFlagged() throws Exception {
        assertTrue(read("a\rb\r\n.\r\n", 0).result().badLineEnding());
        assertTrue(read("a\r\r\n.\r\n", 0).result().badLineEnding());
        assertFalse(read("a\r\nb\r\n.\r\n", 0).result().badLineEnding());
    }

    /** What curl -T sends for a Unix file: LF lines, then CRLF "." CRLF of its own. */
    @Test
    void bareLfEndsALineAndIsStoredAsCrlf() throws Exception {
        Run run = read("Subject: x\n\nline one\n\nline two\n\r\n.\r\nNOOP\r\n", 0);
        assertTrue(run.result().accepted());
        assertEquals("Subject: x\r\n\r\nline one\r\n\r\nline two\r\n\r\n", run.content());
        assertEquals(run.content().length(), run.result().size(), "the size counts the CR added to each bare LF");
        assertEquals("NOOP\r\n", run.rest());
        assertEquals("a\r\nb\r\nc\r\n", read("a\r\nb\nc\r\n.\r\n", 0).content(), "mixed line ends");
    }

    /** A client sending bare LFs sends a file as it is: it stuffs dots only after CRLF, so those dots are content. */
    @Test
    void aDotAfterABareLfIsContentAfterACrlfStuffing() throws Exception {
        Run run = read("a\n.b\n..c\r\n..d\r\n.\r\n", 0);
        assertTrue(run.result().accepted());
        assertEquals("a\r\n.b\r\n..c\r\n.d\r\n", run.content());
    }

    /** A "." line next to a bare LF is not the end, and the message is refused as a smuggling attempt. */
    @ParameterizedTest
    @ValueSource(strings = {"a\n.\nb\r\n", "a\n.\r\nb\r\n", "a\r\n.\nb\r\n", "a\n.\r\n", ".\nb\r\n"})
    void aDotLineNextToABareLfDoesNotEndTheMessage(String content) throws Exception {
        Run run = read(content + ".\r\nNOOP\r\n", 0);
        assertTrue(run.result().badLineEnding());
        assertEquals("NOOP\r\n", run.rest(), "read to the real CRLF \".\" CRLF");
    }

    @Test
    void theLimitCountsTheAddedCarriageReturns() throws Exception {
        assertFalse(read("012345678\nx\r\n.\r\n", 14).result().tooLarge(), "13 octets sent, 14 stored");
        assertTrue(read("012345678\nx\r\n.\r\n", 13).result().tooLarge());
    }

    @Test
    void overTheLimitIsReadToTheEndButNotKept() throws Exception {
        Run run = read("0123456789\r\n0123456789\r\n.\r\nQUIT\r\n", 15);
        assertTrue(run.result().tooLarge());
        assertEquals(24, run.result().size());
        assertEquals("QUIT\r\n", run.rest());
        assertEquals(12, read("0123456789\r\n.\r\n", 12).content().length(), "exactly the limit is fine");
        assertFalse(read("0123456789\r\n.\r\n", 12).result().tooLarge());
    }

    @Test
    void longLinesAndBinaryOctetsPass() throws Exception {
        String line = "x".repeat(100_000) + "\u00ff\u0000";
        Run run = read(line + "\r\n.\r\n", 0);
        assertTrue(run.result().accepted());
        assertEquals(line + "\r\n", run.content());
    }

    @Test
    void endOfStreamBeforeTheTerminatorIsAnError() {
        assertThrows(EOFException.class, () -> read("no end\r\n", 0));
        assertThrows(EOFException.class, () -> read("almost\r\n.", 0));
    }
}
