package dev.letterbox.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.letterbox.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Line reading and raw input over plaintext, as a session sees it. */
@Timeout(20)
class LineReadingTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void linesKeepTheirTerminatorSoCrlfAndBareLfDiffer() throws Exception {
        try (TestClient client = server.plain()) {
            client.sendRaw("one\r\ntwo\nthree\r\n".getBytes(StandardCharsets.US_ASCII));
            client.expect("ECHO one<CRLF>");
            client.expect("ECHO two<LF>");
            client.expect("ECHO three<CRLF>");
        }
    }

    @Test
    void aLineArrivingInPiecesIsReassembled() throws Exception {
        try (TestClient client = server.plain()) {
            for (String piece : new String[] {"fr", "agm", "ented\r", "\n"}) {
                client.sendRaw(piece.getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(20);
            }
            client.expect("ECHO fragmented<CRLF>");
        }
    }

    @Test
    void aLongLineWithinTheBoundGrowsTheBufferAndArrivesWhole() throws Exception {
        String longLine = "x".repeat(EchoHandler.MAX_LINE - 2); // CRLF makes it exactly the bound
        try (TestClient client = server.plain()) {
            client.send(longLine);
            client.expect("ECHO " + longLine + "<CRLF>");
        }
    }

    @Test
    void anOverlongLineIsReportedSkippedAndTheNextLineStillWorks() throws Exception {
        try (TestClient client = server.plain()) {
            client.send("y".repeat(EchoHandler.MAX_LINE - 1)); // one byte over with its CRLF
            client.expect("TOO LONG");
            client.sendRaw(("z".repeat(50_000) + "\r\nafter\r\n").getBytes(StandardCharsets.US_ASCII));
            client.expect("TOO LONG");
            client.expect("ECHO after<CRLF>");
        }
    }

    @Test
    void anOverlongLineSentSlowlyIsSkippedThroughItsLf() throws Exception {
        try (TestClient client = server.plain()) {
            for (int i = 0; i < 5; i++) {
                client.sendRaw("w".repeat(600).getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(10);
            }
            client.sendRaw("tail\nnext\n".getBytes(StandardCharsets.US_ASCII));
            client.expect("TOO LONG");
            client.expect("ECHO next<LF>");
        }
    }

    @Test
    void endOfStreamReturnsTheUnterminatedLastLineThenNull() throws Exception {
        try (TestClient client = server.plain()) {
            client.sendRaw("last words".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            client.expect("ECHO last words<EOF>");
            client.expect("EOF");
            assertNull(client.line(), "the session ends after EOF");
        }
    }

    @Test
    void endOfStreamRightAfterALineIsNull() throws Exception {
        try (TestClient client = server.plain()) {
            client.send("bye");
            client.shutdownOutput();
            client.expect("ECHO bye<CRLF>");
            client.expect("EOF");
        }
    }

    @Test
    void pipelinedInputIsReportedAsBuffered() throws Exception {
        try (TestClient client = server.plain()) {
            client.sendRaw("BUFFERED\r\nBUFFERED\r\n".getBytes(StandardCharsets.US_ASCII));
            client.expect("yes");
            client.expect("no");
        }
    }

    @Test
    void rawInputAfterALineSharesTheLineBuffer() throws Exception {
        int size = 300_000;
        try (TestClient client = server.plain()) {
            // the command and the start of its data arrive in one write, as a pipelining client sends them
            byte[] command = ("RECV " + size + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] data = TestData.pattern(0, size);
            byte[] both = new byte[command.length + 1000];
            System.arraycopy(command, 0, both, 0, command.length);
            System.arraycopy(data, 0, both, command.length, 1000);
            client.sendRaw(both);
            client.out().write(data, 1000, size - 1000);
            client.out().flush();
            client.expect("CRC " + TestData.patternCrc(size));
            client.send("still lines");
            client.expect("ECHO still lines<CRLF>");
        }
    }

    @Test
    void aResponseLeftUnflushedIsSentWhenTheHandlerReturns() throws Exception {
        try (TestClient client = server.plain()) {
            client.send("QUIT");
            client.expect("BYE");
            assertNull(client.line());
        }
    }

    @Test
    void anIdleConnectionKeepsOnlyASmallReadBuffer() throws Exception {
        try (TestClient client = server.plain()) {
            SocketConnection session = (SocketConnection) server.nextSession();
            client.send("RECV 200000");
            TestData.writePattern(client.out(), 200_000);
            client.out().flush();
            client.expect("CRC " + TestData.patternCrc(200_000));
            client.send("SEND 100000");
            client.readExactly(100_000);
            client.send("ping");
            client.expect("ECHO ping<CRLF>");
            // the session shrinks its buffer before it blocks in its next read
            Eventually.until(Duration.ofSeconds(5), "the idle connection's buffer to shrink to "
                    + InputBuffer.IDLE_CAPACITY + " bytes", () -> session.heldBufferBytes() <= InputBuffer.IDLE_CAPACITY);
        }
        assertEquals("ping", server.handler.seen.stream().reduce((a, b) -> b).orElseThrow());
    }
}
