package dev.letterbox.server;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.HaproxyServer;
import dev.letterbox.testing.HaproxyServer.Frontend;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Debian haproxy in TCP mode in front of SMTP and IMAP, as in a multi-node deployment: the
 * client connects from 127.0.0.2 (or .3), haproxy from 127.0.0.1, and Letterbox must see the client.
 */
@Timeout(90)
class HaproxyTest {
    @RegisterExtension
    static final TestServer server = new TestServer("""
            [auth]
            failures_before_delay = 100
            failures_before_block = 3
            block_time = "1m"
            [antispam]
            trusted_networks = ["127.0.0.2/32", "127.0.0.3/32"]
            """).listenKeys("""
            proxy_protocol = ["smtp", "imap"]
            proxy_trusted = ["127.0.0.1/32"]
            """);

    @TempDir
    Path dir;

    private List<Frontend> frontends() {
        return List.of(Frontend.of("smtp", server.port("smtp")), Frontend.of("imap", server.port("imap")));
    }

    @Test
    void smtpThroughHaproxyV2RecordsTheClientNotTheProxy() throws Exception {
        String user = server.newUser("haproxy-smtp");
        try (HaproxyServer haproxy = HaproxyServer.start(dir, frontends())) {
            sendMail(haproxy.port("smtp"), "127.0.0.2", user);
        }
        String message = server.inbox(user).getFirst();
        assertTrue(message.contains("Received: from client.example.org ([127.0.0.2])\r\n"), message);
    }

    @Test
    void smtpThroughHaproxyV1RecordsTheClientToo() throws Exception {
        String user = server.newUser("haproxy-v1");
        try (HaproxyServer haproxy = HaproxyServer.start(dir, frontends(), true)) {
            sendMail(haproxy.port("smtp"), "127.0.0.3", user);
        }
        String message = server.inbox(user).getFirst();
        assertTrue(message.contains("Received: from client.example.org ([127.0.0.3])\r\n"), message);
    }

    @Test
    void imapThroughHaproxyThrottlesTheClientNotTheProxy() throws Exception {
        String user = server.newUser("haproxy-imap");
        try (HaproxyServer haproxy = HaproxyServer.start(dir, frontends())) {
            int port = haproxy.port("imap");
            for (int i = 0; i < 3; i++) {
                assertTrue(login(port, "127.0.0.4", user, "guess-" + i).startsWith("a2 NO [AUTHENTICATIONFAILED]"));
            }
            assertTrue(login(port, "127.0.0.4", user, TestServer.PASSWORD)
                    .startsWith("a2 NO [UNAVAILABLE] Too many failed logins from your address"));
            // every connection reached Letterbox from haproxy's 127.0.0.1: only the real client is blocked
            assertTrue(login(port, "127.0.0.5", user, TestServer.PASSWORD).startsWith("a2 OK "));
        }
    }

    private static void sendMail(int port, String from, String to) throws IOException {
        try (LineClient c = LineClient.plainFrom(from, "127.0.0.1", port, server.clientTls())) {
            c.expectPrefix("220 ");
            c.send("EHLO client.example.org");
            String line;
            do line = c.readLine(); while (line != null && !line.startsWith("250 "));
            assertNotNull(line);
            c.send("MAIL FROM:<sender@client.example.org>").expectPrefix("250 ");
            c.send("RCPT TO:<" + to + ">").expectPrefix("250 ");
            c.send("DATA").expectPrefix("354 ");
            c.sendRaw("From: sender@client.example.org\r\nSubject: via haproxy\r\n\r\nhello\r\n.\r\n");
            c.expectPrefix("250 ");
            c.send("QUIT").expectPrefix("221 ");
        }
    }

    /** STARTTLS through haproxy (TLS is end to end: haproxy only forwards bytes), then LOGIN. */
    private static String login(int port, String from, String user, String password) throws IOException {
        try (LineClient c = LineClient.plainFrom(from, "127.0.0.1", port, server.clientTls())) {
            c.expectPrefix("* OK");
            c.send("a1 STARTTLS").expectPrefix("a1 OK");
            c.startTls();
            c.send("a2 LOGIN \"" + user + "\" \"" + password + "\"");
            String r;
            do {
                r = c.readLine();
                assertNotNull(r, "connection closed before the answer to LOGIN");
            } while (!r.startsWith("a2 "));
            return r;
        }
    }
}
