package dev.letterbox.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.Mailbox;
import dev.letterbox.store.SpecialUse;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestDnsServer;
import dev.letterbox.testing.TestServer;
import java.net.InetAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DNS block and allow lists (RFC 5782) and HELO checks over real port-25 sessions from several
 * loopback addresses: a listed client is refused at the end of DATA, an allow-listed one passes
 * even when also block-listed, a client greeting with a bare word lands in Junk.
 */
@Timeout(60)
class ReputationTest {
    static TestDnsServer dns;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDnsServer();
        dns.a("2.0.0.127.bl.test", "127.0.0.2");        // 127.0.0.2 is block-listed
        dns.a("3.0.0.127.bl.test", "127.0.0.2");        // 127.0.0.3 too, but also allow-listed
        dns.a("3.0.0.127.wl.test", "127.0.0.5");
        dns.a("4.0.0.127.bl.test", "127.255.255.254"); // an "access refused" answer is no listing
        server = new TestServer("[dns]\nservers = [\"" + dns.address() + "\"]\ntimeout = \"1s\"\n"
                + "[antispam]\nsender_checks = false\ndnsbl = [\"bl.test\"]\ndnswl = [\"wl.test\"]\nhelo_checks = \"junk\"\n");
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.stop();
        if (dns != null) dns.close();
    }

    private static String send(String from, String helo, String to) throws Exception {
        try (LineClient c = server.connectFrom(from, "smtp", false)) {
            c.expectPrefix("220 ");
            c.send("EHLO " + helo);
            String line;
            do {
                line = c.readLine();
            } while (line != null && !line.startsWith("250 "));
            c.send("MAIL FROM:<someone@example.org>");
            c.expectPrefix("250 ");
            c.send("RCPT TO:<" + to + ">");
            c.expectPrefix("250 ");
            c.send("DATA");
            c.expectPrefix("354 ");
            c.sendRaw("Subject: hi\r\n\r\nhello\r\n.\r\n");
            return c.readLine();
        }
    }

    private static long junkCount(String user) {
        var account = server.account(user);
        return server.server().store().read(account.id(), tx -> {
            Mailbox junk = tx.mailboxWithUse(SpecialUse.JUNK).orElseThrow();
            return tx.status(junk.id()).messages();
        });
    }

    @Test
    void aBlockListedClientIsRefusedOthersAreNot() throws Exception {
        String user = server.newUser("listed");
        assertEquals("550 5.7.1 your address 127.0.0.2 is listed by bl.test", send("127.0.0.2", "mx.example.org", user));
        assertTrue(send("127.0.0.1", "mx.example.org", user).startsWith("250 "));
        assertTrue(send("127.0.0.4", "mx.example.org", user).startsWith("250 "), "127.255.255.254 means 'refused', not listed");
        assertEquals(2, server.inbox(user).size());
    }

    @Test
    void anAllowListedClientSkipsTheOtherChecks() throws Exception {
        String user = server.newUser("allowed");
        assertTrue(send("127.0.0.3", "localhost", user).startsWith("250 "));
        assertEquals(1, server.inbox(user).size());
        assertEquals(0L, junkCount(user));
    }

    @Test
    void aBareWordOrOurOwnNameAsHeloFilesInJunk() throws Exception {
        String user = server.newUser("helo");
        assertTrue(send("127.0.0.1", "localhost", user).startsWith("250 "));
        assertTrue(send("127.0.0.1", server.hostname(), user).startsWith("250 "));
        assertTrue(send("127.0.0.1", "[127.0.0.9]", user).startsWith("250 "));
        assertTrue(send("127.0.0.1", "[127.0.0.1]", user).startsWith("250 "));
        assertEquals(3L, junkCount(user), "localhost, our own name and another address's literal");
        assertEquals(1, server.inbox(user).size(), "the client's own address literal is fine");
    }

    @Test
    void listQueriesUseReversedOctetsAndNibbles() throws Exception {
        assertEquals("4.3.2.192", Reputation.reversed(InetAddress.getByName("192.2.3.4")));
        assertEquals("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4",
                Reputation.reversed(InetAddress.getByName("4321:0:1:2:3:4:567:89ab"))); // RFC 5782 §2.4
    }
}
