package dev.letterbox.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.Account;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.PasswordLogins;
import dev.letterbox.testing.ScramClient;
import dev.letterbox.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SCRAM-SHA-256 and SCRAM-SHA-256-PLUS over real connections in IMAP, POP3, SMTP submission and
 * ManageSieve, with the tests' own client ({@link ScramClient}, written from RFC 5802 apart from
 * the server's code): the server proves itself back, a wrong password or a channel binding to
 * another connection fails, and an account made before SCRAM gets its keys at its next password login.
 */
class ScramLoginTest {
    @RegisterExtension
    static final TestServer server = new TestServer("""
            [auth]
            failures_before_delay = 100
            failures_before_block = 100
            account_failures_before_delay = 100
            [imap]
            plaintext_auth_on_loopback = true
            """);

    @ParameterizedTest
    @ValueSource(strings = {"imap", "pop3", "smtp", "managesieve"})
    void scramLogsInAndTheServerProvesItself(String protocol) throws Exception {
        String user = server.newUser("scram-" + protocol);
        try (LineClient c = PasswordLogins.ready(server, protocol)) {
            var r = PasswordLogins.scram(c, protocol, "SCRAM-SHA-256", ScramClient.withoutBinding(user, TestServer.PASSWORD));
            assertTrue(r.ok(), protocol + ": " + r.answer());
            assertTrue(r.serverVerified(), "the server-final message carries the right ServerSignature");
        }
        try (LineClient c = PasswordLogins.ready(server, protocol)) {
            var r = PasswordLogins.scram(c, protocol, "SCRAM-SHA-256", ScramClient.withoutBinding(user, "not the password"));
            assertFalse(r.ok(), protocol + ": a wrong password: " + r.answer());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"imap", "pop3", "smtp", "managesieve"})
    void plusBindsToThisTlsConnectionAndNoOther(String protocol) throws Exception {
        String user = server.newUser("plus-" + protocol);
        byte[] otherConnection;
        try (LineClient other = PasswordLogins.ready(server, protocol)) {
            otherConnection = ScramClient.tlsExporter(other.socket());
        }
        try (LineClient c = PasswordLogins.ready(server, protocol)) {
            byte[] mine = ScramClient.tlsExporter(c.socket());
            var r = PasswordLogins.scram(c, protocol, "SCRAM-SHA-256-PLUS", ScramClient.bound(user, TestServer.PASSWORD, mine));
            assertTrue(r.ok(), protocol + ": " + r.answer());
            assertTrue(r.serverVerified());
        }
        try (LineClient c = PasswordLogins.ready(server, protocol)) {
            var r = PasswordLogins.scram(c, protocol, "SCRAM-SHA-256-PLUS",
                    ScramClient.bound(user, TestServer.PASSWORD, otherConnection));
            assertFalse(r.ok(), protocol + ": bound to another connection (a man in the middle): " + r.answer());
        }
        try (LineClient c = PasswordLogins.ready(server, protocol)) {
            var r = PasswordLogins.scram(c, protocol, "SCRAM-SHA-256", ScramClient.couldBind(user, TestServer.PASSWORD));
            assertFalse(r.ok(), protocol + ": 'y' where the server offers -PLUS means it was stripped: " + r.answer());
        }
    }

    @Test
    void plusIsOfferedOnlyOverTls() throws Exception {
        try (LineClient c = server.connect("imap")) {
            String greeting = c.readLine();
            assertTrue(greeting.contains("AUTH=SCRAM-SHA-256"), greeting);
            assertFalse(greeting.contains("AUTH=SCRAM-SHA-256-PLUS"), "no channel to bind to without TLS: " + greeting);
        }
        try (LineClient c = server.connectTls("imaps")) {
            String greeting = c.readLine();
            assertTrue(greeting.contains("AUTH=SCRAM-SHA-256 ") && greeting.contains("AUTH=SCRAM-SHA-256-PLUS"), greeting);
        }
        try (LineClient c = PasswordLogins.ready(server, "smtp")) {
            c.send("EHLO again.example.org");
            StringBuilder ehlo = new StringBuilder();
            String line;
            do {
                line = c.readLine();
                ehlo.append(line).append('\n');
            } while (line != null && !line.startsWith("250 "));
            assertTrue(ehlo.toString().contains("AUTH PLAIN LOGIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS"), ehlo.toString());
        }
    }

    @Test
    void anAccountFromBeforeScramGetsItsKeysAtItsNextPasswordLogin() throws Exception {
        String user = server.newUser("old");
        Account account = server.account(user);
        // as an account made before SCRAM: a password hash and no keys
        server.server().store().directory().setPasswordHash(account.id(), new PasswordHasher().hash(TestServer.PASSWORD.toCharArray()));
        try (LineClient c = PasswordLogins.ready(server, "imap")) {
            var r = PasswordLogins.scram(c, "imap", "SCRAM-SHA-256", ScramClient.withoutBinding(user, TestServer.PASSWORD));
            assertFalse(r.ok(), "no keys yet: " + r.answer());
        }
        try (var a = PasswordLogins.login(server, "pop3", user, TestServer.PASSWORD)) {
            assertTrue(a.ok(), a.answer());
        }
        try (LineClient c = PasswordLogins.ready(server, "imap")) {
            var r = PasswordLogins.scram(c, "imap", "SCRAM-SHA-256", ScramClient.withoutBinding(user, TestServer.PASSWORD));
            assertTrue(r.ok(), "keys derived at the PLAIN login: " + r.answer());
        }
    }

    @Test
    void malformedMessagesAreProtocolErrorsNotCrashes() throws Exception {
        try (LineClient c = PasswordLogins.ready(server, "imap")) {
            c.send("a1 AUTHENTICATE SCRAM-SHA-256 " + ScramClient.b64("garbage"));
            assertTrue(c.readLine().startsWith("a1 BAD"));
            c.send("a2 AUTHENTICATE SCRAM-SHA-256 " + ScramClient.b64("n,,n=x,r=abc"));
            assertTrue(c.readLine().startsWith("+ "));
            c.send(ScramClient.b64("c=biws,r=wrong,p=AAAA"));
            assertTrue(c.readLine().startsWith("a2 BAD"), "a nonce that is not the server's");
            c.send("a3 AUTHENTICATE SCRAM-SHA-256 !!!");
            assertTrue(c.readLine().startsWith("a3 BAD"));
            c.send("a4 AUTHENTICATE SCRAM-SHA-256");
            assertEquals("+ ", c.readLine());
            c.send("*");
            assertTrue(c.readLine().startsWith("a4 BAD"), "cancelled");
            c.send("a5 NOOP");
            assertTrue(c.readLine().startsWith("a5 OK"), "the session goes on");
        }
    }
}
