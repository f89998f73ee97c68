package dev.letterbox.managesieve.server;

import static dev.letterbox.testing.ProxyHeaders.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.ProxyHeaders;
import dev.letterbox.testing.TestServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ManageSieve behind a PROXY protocol load balancer (this test plays it, from 127.0.0.1): the login
 * throttle shared with IMAP counts and blocks the client the header names, and a blocked client
 * gets BYE (TRYLATER).
 */
class ManageSieveProxyTest {
    @RegisterExtension
    static final TestServer server = new TestServer("""
            [auth]
            failures_before_delay = 100
            failures_before_block = 3
            block_time = "1m"
            """).listenKeys("""
            proxy_protocol = ["managesieve"]
            proxy_trusted = ["127.0.0.1/32"]
            """);

    private static final InetSocketAddress FRONT = address("198.51.100.2", 4190);

    /** One session from {@code client}: STARTTLS, AUTHENTICATE PLAIN; returns the answer to AUTHENTICATE. */
    private static String login(InetSocketAddress client, String user, String password) throws Exception {
        try (LineClient c = server.connectProxied("managesieve", ProxyHeaders.v2(client, FRONT), false)) {
            skipCapabilities(c);
            c.send("STARTTLS").expect("OK \"Begin TLS negotiation now\"");
            c.startTls();
            skipCapabilities(c);
            String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
            return c.send("AUTHENTICATE \"PLAIN\" \"" + plain + "\"").readLine();
        }
    }

    private static void skipCapabilities(LineClient c) throws Exception {
        String line;
        do line = c.readLine(); while (line != null && !line.startsWith("OK"));
    }

    @Test
    void theThrottleBlocksTheProxiedClientNotTheProxy() throws Exception {
        String user = server.newUser("proxied");
        InetSocketAddress attacker = address("192.0.2.66", 40000);
        for (int i = 0; i < 3; i++) assertEquals("NO \"Authentication failed\"", login(attacker, user, "guess-" + i));
        assertEquals("BYE (TRYLATER) \"Too many failed logins from your address; try again later\"",
                login(attacker, user, TestServer.PASSWORD), "blocked, even with the right password");
        assertEquals("OK \"Logged in\"", login(address("192.0.2.67", 40001), user, TestServer.PASSWORD),
                "another client through the same proxy is not");
    }

    @Test
    void aConnectionWithoutAHeaderIsNotServed() throws Exception {
        try (LineClient c = server.connect("managesieve")) {
            c.send("CAPABILITY");
            assertTrue(c.isClosedByServer(), "no PROXY header: closed without a greeting");
        }
    }
}
