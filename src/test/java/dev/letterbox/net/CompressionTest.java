package dev.letterbox.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** COMPRESS=DEFLATE (RFC 4978) against java.util.zip on the client side, plain and above TLS. */
@Timeout(30)
class CompressionTest {
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
    void linesRoundTripCompressed() throws Exception {
        try (TestClient client = server.plain()) {
            client.startCompression();
            client.send("hello");
            client.expect("ECHO hello<CRLF>");
            client.sendRaw("two\r\nlines\n".getBytes(StandardCharsets.US_ASCII));
            client.expect("ECHO two<CRLF>");
            client.expect("ECHO lines<LF>");
        }
    }

    @Test
    void bulkDataRoundTripsCompressedAboveTls() throws Exception {
        int size = 2 * 1024 * 1024;
        try (TestClient client = server.plain()) {
            client.startTls(TestServer.clientContext());
            client.startCompression();
            client.send("TLS");
            assertTrue(client.line().startsWith("TLS TLSv1.3"));
            client.send("RECV " + size);
            TestData.writePattern(client.out(), size);
            client.out().flush();
            client.expect("CRC " + TestData.patternCrc(size));
            client.send("SEND " + size);
            assertArrayEquals(TestData.pattern(0, size), client.readExactly(size));
            client.send("done");
            client.expect("ECHO done<CRLF>");
        }
    }

    @Test
    void compressedBytesSentRightBehindTheCommandAreNotLost() throws Exception {
        try (TestClient client = server.plain()) {
            byte[] command = "COMPRESS\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] early = deflateSyncFlushed("early bird\r\n");
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(command);
            both.writeBytes(early);
            client.sendRaw(both.toByteArray());
            client.expect("GO");
            client.compress(); // the client's own deflater starts fresh; the server's inflater saw one stream
            client.expect("ECHO early bird<CRLF>");
        }
        assertEquals("early bird", server.handler.seen.stream().skip(1).findFirst().orElseThrow());
    }

    @Test
    void anIdleCompressedConnectionKeepsItsHeapBuffersSmall() throws Exception {
        try (TestClient client = server.tls()) {
            SocketConnection session = (SocketConnection) server.nextSession();
            client.startCompression();
            client.send("SEND 200000");
            client.readExactly(200_000);
            client.send("ping");
            client.expect("ECHO ping<CRLF>");
            Eventually.until(Duration.ofSeconds(5), "the idle compressed connection's buffers to shrink to "
                    + 2 * InputBuffer.IDLE_CAPACITY + " bytes", () -> session.heldBufferBytes() <= 2 * InputBuffer.IDLE_CAPACITY);
        }
    }

    @Test
    void startTlsAfterCompressIsRefused() throws Exception {
        try (TestClient client = server.plain()) {
            client.startCompression();
            client.send("STARTTLS");
            client.expect("GO");
            assertTrue(client.closedByServer(), "the handler's startTls threw; its session ended");
        }
    }

    private static byte[] deflateSyncFlushed(String text) throws IOException {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(text.getBytes(StandardCharsets.US_ASCII));
        byte[] buffer = new byte[1024];
        int n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
        deflater.end();
        return java.util.Arrays.copyOf(buffer, n);
    }
}
