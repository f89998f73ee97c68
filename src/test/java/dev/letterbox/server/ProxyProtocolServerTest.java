package dev.letterbox.server;

import static dev.letterbox.testing.ProxyHeaders.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.ProxyHeaders;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole server behind a PROXY protocol load balancer (this test plays it, from 127.0.0.1): the
 * client the header names is who SMTP writes into Received: and whom the login throttle blocks.
 */
@Timeout(60)
class ProxyProtocolServerTest {
    @RegisterExtension
    static final TestServer server = new TestServer("""
            [auth]
            failures_before_delay = 100
            failures_before_block = 3
            block_time = "1m"
            [antispam]
            trusted_networks = ["192.0.2.0/24", "2001:db8::/32"]
            """).listenKeys("""
            proxy_protocol = ["smtp", "imaps"]
            proxy_trusted = ["127.0.0.1/32"]
            """);

    private static final InetSocketAddress FRONT_SMTP = address("198.51.100.2", 25);
    private static final InetSocketAddress FRONT_IMAPS = address("198.51.100.2", 993);

    @Test
    void receivedNamesTheClientOfTheHeader() throws Exception {
        String user = server.newUser("proxied");
        send(ProxyHeaders.v2(address("192.0.2.77", 50001), FRONT_SMTP), user, "v2 four");
        send(ProxyHeaders.v1(address("2001:db8::77", 50002), address("2001:db8:1::2", 25)), user, "v1 six");
        List<String> inbox = server.inbox(user);
        assertEquals(2, inbox.size());
        assertTrue(inbox.get(0).contains("Received: from client.example.org ([192.0.2.77])\r\n"), inbox.get(0));
        assertTrue(inbox.get(1).contains("Received: from client.example.org ([2001:db8:0:0:0:0:0:77])\r\n"), inbox.get(1));
    }

    private static void send(byte[] header, String to, String subject) throws IOException {
        try (LineClient c = server.connectProxied("smtp", header, false)) {
            c.expectPrefix("220 ");
            c.send("EHLO client.example.org");
            String line;
            do line = c.readLine(); while (line != null && !line.startsWith("250 "));
            c.send("MAIL FROM:<sender@client.example.org>").expectPrefix("250 ");
            c.send("RCPT TO:<" + to + ">").expectPrefix("250 ");
            c.send("DATA").expectPrefix("354 ");
            c.sendRaw("From: sender@client.example.org\r\nSubject: " + subject + "\r\n\r\nhello\r\n.\r\n");
            c.expectPrefix("250 ");
            c.send("QUIT").expectPrefix("221 ");
        }
    }

    @Test
    void theLoginThrottleBlocksTheProxiedClientNotTheProxy() throws Exception {
        String user = server.newUser("throttled");
        InetSocketAddress attacker = address("192.0.2.66", 40000);
        for (int i = 0; i < 3; i++) {
            assertEquals("a1 NO [AUTHENTICATIONFAILED]", imapLogin(attacker, user, "guess-" + i).substring(0, 28));
        }
        assertTrue(imapLogin(attacker, user, TestServer.PASSWORD).startsWith("a1 NO [UNAVAILABLE] Too many failed logins from your address"),
                "the attacker is blocked, even with the right password");
        // through the same proxy, from the same 127.0.0.1, another client is not
        assertTrue(imapLogin(address("192.0.2.67", 40001), user, TestServer.PASSWORD).startsWith("a1 OK "));
    }

    /** LOGIN over imaps: the header, then TLS, then the greeting. */
    private static String imapLogin(InetSocketAddress client, String user, String password) throws IOException {
        try (LineClient c = server.connectProxied("imaps", ProxyHeaders.v2(client, FRONT_IMAPS), true)) {
            c.expectPrefix("* OK");
            c.send("a1 LOGIN \"" + user + "\" \"" + password + "\"");
            String r;
            do {
                r = c.readLine();
                assertNotNull(r, "connection closed before the answer to LOGIN");
            } while (!r.startsWith("a1 "));
            return r;
        }
    }

    @Test
    void aClientReachingAProxyListenerDirectlyIsRefused() throws Exception {
        // the trusted proxy is 127.0.0.1 only: 127.0.0.2 is "the Internet" here
        try (LineClient c = LineClient.plainFrom("127.0.0.2", "127.0.0.1", server.port("smtp"), server.clientTls())) {
            c.sendRaw(ProxyHeaders.v2(address("192.0.2.1", 1), FRONT_SMTP));
            assertTrue(c.isClosedByServer());
        }
        // a listener not named in proxy_protocol takes clients as before
        try (LineClient c = LineClient.plainFrom("127.0.0.2", "127.0.0.1", server.port("submission"), server.clientTls())) {
            c.expectPrefix("220 ");
        }
    }
}
