package dev.letterbox.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Implicit TLS, STARTTLS and bulk transfers through the SSLEngine transport, against JDK clients. */
@Timeout(30)
class TlsTest {
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
    void implicitTlsNegotiatesTls13WithTheSelfSignedCertificate() throws Exception {
        try (TestClient client = server.tls()) {
            assertEquals("TLSv1.3", client.tlsProtocol());
            client.send("TLS");
            String answer = client.line();
            assertTrue(answer.startsWith("TLS TLSv1.3 TLS_"), answer);
            client.sendRaw("crlf\r\nbare\n".getBytes(StandardCharsets.US_ASCII));
            client.expect("ECHO crlf<CRLF>");
            client.expect("ECHO bare<LF>");
        }
    }

    @Test
    void aTls12OnlyClientGetsAnAeadSuiteWithForwardSecrecy() throws Exception {
        try (TestClient client = TestClient.connectTls(server.tlsPort(), TestServer.clientContext(), "TLSv1.2")) {
            client.expect("READY");
            client.send("TLS");
            String answer = client.line();
            assertTrue(answer.startsWith("TLS TLSv1.2 TLS_ECDHE_"), answer);
            assertTrue(answer.contains("_GCM_") || answer.contains("CHACHA20"), answer);
        }
    }

    @Test
    void theServerEngineOffersOnlyTls13And12() {
        assertEquals(List.of("TLSv1.3", "TLSv1.2"),
                Arrays.asList(TestServer.TLS.newServerEngine().getEnabledProtocols()));
        assertTrue(Arrays.stream(TestServer.TLS.newServerEngine().getEnabledCipherSuites())
                .noneMatch(s -> s.contains("_CBC_") || s.startsWith("TLS_RSA_")));
    }

    @Test
    void aTls11ClientHelloIsRefusedWithAnAlert() throws Exception {
        // Built by hand (RFC 4346 §7.4.1.2): the JDK client refuses to even offer TLS 1.1 nowadays
        try (Socket socket = new Socket("127.0.0.1", server.tlsPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(tls11ClientHello());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int contentType = in.read();
            assertEquals(21, contentType, "expected an alert record, not a ServerHello");
            in.skipNBytes(4); // version, length
            assertEquals(2, in.read(), "fatal");
            assertEquals(70, in.read(), "protocol_version");
        }
    }

    private static byte[] tls11ClientHello() {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        hello.write(3);
        hello.write(2); // client_version TLS 1.1
        hello.writeBytes(new byte[32]); // random
        hello.write(0); // session id
        hello.writeBytes(new byte[] {0, 6, (byte) 0xC0, 0x09, (byte) 0xC0, 0x13, 0x00, 0x2F}); // cipher suites
        hello.writeBytes(new byte[] {1, 0}); // compression: null
        hello.writeBytes(new byte[] {0, 14, 0, 10, 0, 4, 0, 2, 0, 23, 0, 11, 0, 2, 1, 0}); // groups, point formats
        byte[] body = hello.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(new byte[] {22, 3, 1, 0, (byte) (body.length + 4)});
        record.writeBytes(new byte[] {1, 0, 0, (byte) body.length});
        record.writeBytes(body);
        return record.toByteArray();
    }

    @Test
    void plaintextOnTheTlsPortIsClosed() throws Exception {
        try (TestClient client = TestClient.connect(server.tlsPort())) {
            client.send("HELLO there");
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() throws Exception {
        SSLContext trustsNothing = ServerTls.clientContextTrusting();
        assertThrows(SSLException.class, () -> TestClient.connectTls(server.tlsPort(), trustsNothing).close());
        try (TestClient client = server.tls()) { // and the server is fine afterwards
            client.send("ok");
            client.expect("ECHO ok<CRLF>");
        }
    }

    @Test
    void startTlsUpgradesInPlace() throws Exception {
        try (TestClient client = server.plain()) {
            client.send("TLS");
            client.expect("TLS none");
            client.startTls(TestServer.clientContext());
            client.send("TLS");
            assertTrue(client.line().startsWith("TLS TLSv1.3 "));
            client.send("secret");
            client.expect("ECHO secret<CRLF>");
        }
    }

    @Test
    void commandsPipelinedBehindStartTlsAreDiscarded() throws Exception {
        try (TestClient client = server.plain()) {
            client.sendRaw("STARTTLS\r\nINJECTED\r\n".getBytes(StandardCharsets.US_ASCII));
            client.expect("GO");
            client.upgradeToTls(TestServer.clientContext());
            client.send("AFTER");
            client.expect("ECHO AFTER<CRLF>");
        }
        assertEquals(List.of("STARTTLS", "AFTER"), List.copyOf(server.handler.seen));
    }

    @Test
    void startTlsTwiceIsRefused() throws Exception {
        try (TestClient client = server.tls()) {
            client.send("STARTTLS");
            client.expect("GO");
            // the handler's startTls threw IllegalStateException: the session ends
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void fiveMegabytesEachWayArriveByteExact() throws Exception {
        int size = 5 * 1024 * 1024;
        try (TestClient client = server.tls()) {
            client.send("RECV " + size);
            TestData.writePattern(client.out(), size);
            client.out().flush();
            client.expect("CRC " + TestData.patternCrc(size));

            client.send("SEND " + size);
            byte[] received = client.readExactly(size);
            assertArrayEquals(TestData.pattern(0, size), received);

            client.send("after bulk");
            client.expect("ECHO after bulk<CRLF>");
        }
    }

    @Test
    void anIdleTlsConnectionDropsItsRecordBuffersAfterBulkTraffic() throws Exception {
        try (TestClient client = server.tls()) {
            SocketConnection session = (SocketConnection) server.nextSession();
            client.send("RECV 65536");
            TestData.writePattern(client.out(), 65536);
            client.out().flush();
            client.expect("CRC " + TestData.patternCrc(65536));
            client.send("SEND 65536");
            client.readExactly(65536);
            client.send("ping");
            client.expect("ECHO ping<CRLF>");
            Eventually.until(Duration.ofSeconds(5), "the idle TLS connection's buffers to shrink to "
                    + InputBuffer.IDLE_CAPACITY + " bytes", () -> session.heldBufferBytes() <= InputBuffer.IDLE_CAPACITY);
        }
    }

    @Test
    void theClientSeesAnOrderlyCloseNotify() throws Exception {
        try (TestClient client = server.tls()) {
            client.send("QUIT");
            client.expect("BYE");
            SSLSocket socket = (SSLSocket) client.socket();
            InputStream in = socket.getInputStream();
            assertEquals(-1, in.read(), "close_notify reads as a clean end of stream");
            assertFalse(socket.isClosed());
        }
    }
}
