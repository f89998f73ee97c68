package dev.letterbox.net;

import static dev.letterbox.testing.ProxyHeaders.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.ProxyHeaders;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Listeners behind a PROXY protocol load balancer, over real loopback sockets: this test plays the
 * proxy (from 127.0.0.1, the trusted address) and writes the header itself.
 */
@Timeout(30)
class ProxyProtocolTest {
    private static final InetSocketAddress CLIENT4 = address("192.0.2.10", 56324);
    private static final InetSocketAddress CLIENT6 = address("2001:db8::10", 40000);
    private static final InetSocketAddress FRONT4 = address("198.51.100.2", 25);
    private static final InetSocketAddress FRONT6 = address("2001:db8:1::2", 25);

    private NetServer server;
    private final EchoHandler handler = new EchoHandler();

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /** A "plain" and an implicit-TLS "tls" listener, both behind a proxy trusted at {@code trusted}. */
    private void start(String trusted, Duration headerTimeout, int perIp) throws IOException {
        ProxyProtocol proxy = new ProxyProtocol(List.of(IpNetwork.parse(trusted).orElseThrow()), headerTimeout);
        server = new NetServer(new NetLimits(100, perIp, 8, Duration.ofSeconds(10)), TestServer.TLS);
        server.listen(new ListenerSpec("plain", "127.0.0.1", 0, false, Duration.ofMinutes(1), null, handler, proxy));
        server.listen(new ListenerSpec("tls", "127.0.0.1", 0, true, Duration.ofMinutes(1), null, handler, proxy));
    }

    private void start() throws IOException {
        start("127.0.0.1/32", Duration.ofSeconds(5), 100);
    }

    /** Connects as the proxy, sends {@code header}, and expects the session's greeting. */
    private TestClient proxied(byte[] header) throws IOException {
        TestClient client = TestClient.connect(server.boundPort("plain"), "127.0.0.1");
        client.sendRaw(header);
        client.expect("READY");
        return client;
    }

    private static String peer(InetSocketAddress remote, InetSocketAddress local) {
        return "PEER " + SocketConnection.format(remote) + " " + SocketConnection.format(local);
    }

    @Test
    void theSessionSeesTheClientTheHeaderNames() throws Exception {
        start();
        record Case(byte[] header, InetSocketAddress client, InetSocketAddress front) {}
        for (Case k : List.of(new Case(ProxyHeaders.v2(CLIENT4, FRONT4), CLIENT4, FRONT4),
                new Case(ProxyHeaders.v2(CLIENT6, FRONT6), CLIENT6, FRONT6),
                new Case(ProxyHeaders.v1(CLIENT4, FRONT4), CLIENT4, FRONT4),
                new Case(ProxyHeaders.v1(CLIENT6, FRONT6), CLIENT6, FRONT6))) {
            try (TestClient c = proxied(k.header())) {
                c.send("PEER");
                c.expect(peer(k.client(), k.front()));
            }
        }
    }

    @Test
    void theClientsFirstBytesMayArriveWithTheHeader() throws Exception {
        start();
        byte[] header = ProxyHeaders.v1(CLIENT4, FRONT4);
        byte[] command = "PEER\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] both = new byte[header.length + command.length];
        System.arraycopy(header, 0, both, 0, header.length);
        System.arraycopy(command, 0, both, header.length, command.length);
        try (TestClient c = TestClient.connect(server.boundPort("plain"), "127.0.0.1")) {
            c.sendRaw(both); // one segment: the header reader must not take the command
            c.expect("READY");
            c.expect(peer(CLIENT4, FRONT4));
        }
    }

    @Test
    void aLocalHeaderKeepsTheProxysOwnAddress() throws Exception {
        start();
        try (TestClient c = proxied(ProxyHeaders.v2Local())) {
            c.send("PEER");
            String line = c.line();
            assertTrue(line.startsWith("PEER 127.0.0.1:" + c.socket().getLocalPort() + " 127.0.0.1:"), line);
        }
    }

    @Test
    void implicitTlsStartsAfterTheHeader() throws Exception {
        start();
        try (TestClient c = TestClient.connect(server.boundPort("tls"), "127.0.0.1")) {
            c.sendRaw(ProxyHeaders.v2(CLIENT6, FRONT6));
            c.upgradeToTls(TestServer.clientContext());
            c.expect("READY");
            c.send("PEER");
            c.expect(peer(CLIENT6, FRONT6));
            c.send("TLS");
            assertTrue(c.line().startsWith("TLS TLSv1.3"));
        }
    }

    @Test
    void aConnectionFromAnUntrustedAddressIsRefused() throws Exception {
        start("127.0.0.2/32", Duration.ofSeconds(5), 100);
        try (TestClient c = TestClient.connect(server.boundPort("plain"), "127.0.0.1")) {
            c.sendRaw(ProxyHeaders.v2(CLIENT4, FRONT4)); // it claims to be someone: nobody asked it
            assertTrue(c.closedByServer());
        }
        assertEquals(0, handler.sessions.size(), "no session started");
        try (TestClient c = TestClient.connect(server.boundPort("plain"), "127.0.0.2")) {
            c.sendRaw(ProxyHeaders.v2(CLIENT4, FRONT4));
            c.expect("READY");
        }
    }

    @Test
    void badHeadersAreClosedWithoutHarmingOtherConnections() throws Exception {
        start();
        try (TestClient good = proxied(ProxyHeaders.v2(CLIENT4, FRONT4))) {
            List<byte[]> bad = List.of(
                    "EHLO no.header.example\r\n".getBytes(StandardCharsets.US_ASCII), // proxy without send-proxy
                    "PROXY TCP4 192.0.2.1 nonsense 1 2\r\n".getBytes(StandardCharsets.US_ASCII),
                    ("PROXY TCP4 " + "9".repeat(200) + "\r\n").getBytes(StandardCharsets.US_ASCII), // over 107 bytes
                    ProxyHeaders.v2(0x21, 0x11, new byte[ProxyHeader.MAX_V2_LENGTH + 1])); // over the cap
            for (byte[] header : bad) {
                try (TestClient c = TestClient.connect(server.boundPort("plain"), "127.0.0.1")) {
                    c.setReadTimeout(3_000);
                    c.sendRaw(header);
                    assertTrue(c.closedByServer(), new String(header, 0, 20, StandardCharsets.ISO_8859_1));
                }
            }
            good.send("PEER");
            good.expect(peer(CLIENT4, FRONT4));
        }
    }

    @Test
    void aSilentProxyConnectionIsClosedAfterTheHeaderTimeout() throws Exception {
        start("127.0.0.1/32", Duration.ofMillis(300), 100);
        try (TestClient good = proxied(ProxyHeaders.v2(CLIENT4, FRONT4));
             TestClient silent = TestClient.connect(server.boundPort("plain"), "127.0.0.1");
             TestClient partial = TestClient.connect(server.boundPort("tls"), "127.0.0.1")) {
            partial.sendRaw(java.util.Arrays.copyOf(ProxyHeaders.v2(CLIENT4, FRONT4), 14)); // half a header
            long started = System.nanoTime();
            assertTrue(silent.closedByServer());
            assertTrue(partial.closedByServer());
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(waited >= 200 && waited < 5_000, "closed after " + waited + " ms");
            good.send("PEER");
            good.expect(peer(CLIENT4, FRONT4));
        }
    }

    @Test
    void thePerAddressLimitCountsTheClientsNotTheProxy() throws Exception {
        start("127.0.0.1/32", Duration.ofSeconds(5), 2);
        InetSocketAddress other = address("192.0.2.99", 1000);
        try (TestClient a1 = proxied(ProxyHeaders.v2(CLIENT4, FRONT4));
             TestClient a2 = proxied(ProxyHeaders.v2(CLIENT4, FRONT4));
             TestClient b1 = proxied(ProxyHeaders.v2(other, FRONT4));
             TestClient b2 = proxied(ProxyHeaders.v2(other, FRONT4));
             TestClient a3 = TestClient.connect(server.boundPort("plain"), "127.0.0.1")) {
            // five connections from the proxy's one address: more than 2, yet only the third of A is refused
            a3.sendRaw(ProxyHeaders.v2(CLIENT4, FRONT4));
            assertTrue(a3.closedByServer());
            b2.send("PEER");
            b2.expect(peer(other, FRONT4));
        }
    }
}
