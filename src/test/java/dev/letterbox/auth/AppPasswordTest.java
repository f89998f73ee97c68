package dev.letterbox.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.AppPassword;
import dev.letterbox.store.LoginProtocol;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.PasswordLogins;
import dev.letterbox.testing.ScramClient;
import dev.letterbox.testing.TestServer;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * App passwords over real connections: each logs in where its protocols allow, is recorded when
 * used, and its revocation ends the sessions logged in with it at their next command, also when
 * the revocation is made on another node (through the store's change feed). An account that
 * requires app passwords refuses its own password in every mail protocol.
 */
class AppPasswordTest {
    @RegisterExtension
    @Order(1)
    static final TestServer server = new TestServer("""
            [auth]
            failures_before_delay = 100
            failures_before_block = 100
            account_failures_before_delay = 100
            """);
    @RegisterExtension
    @Order(2)
    static final TestServer otherNode = server.secondNode();

    private static Directory directory() {
        return server.server().directory();
    }

    private static String appPassword(String user, String name, Set<LoginProtocol> protocols) {
        return directory().addAppPassword(user, name, protocols).secret();
    }

    @ParameterizedTest
    @ValueSource(strings = {"imap", "pop3", "smtp", "managesieve"})
    void anAppPasswordLogsInAndIsRecordedAsUsed(String protocol) throws Exception {
        String user = server.newUser("app-" + protocol);
        String secret = appPassword(user, "Phone", LoginProtocol.all());
        try (var a = PasswordLogins.login(server, protocol, user, secret)) {
            assertTrue(a.ok(), protocol + ": " + a.answer());
        }
        try (var a = PasswordLogins.login(server, protocol, user, TestServer.PASSWORD)) {
            assertTrue(a.ok(), "the account's password still works too: " + a.answer());
        }
        AppPassword listed = directory().appPasswords(user).getFirst();
        assertTrue(listed.lastUsed().isPresent(), "last used is recorded");
        assertEquals(Optional.of("127.0.0.1"), listed.lastIp());
        try (var a = PasswordLogins.login(server, protocol, user, secret + "x")) {
            assertFalse(a.ok(), "a near miss is no app password: " + a.answer());
        }
    }

    @Test
    void anAppPasswordWorksOnlyForItsProtocols() throws Exception {
        String user = server.newUser("narrow");
        String secret = appPassword(user, "Mail reader", EnumSet.of(LoginProtocol.IMAP));
        try (var a = PasswordLogins.login(server, "imap", user, secret)) {
            assertTrue(a.ok(), a.answer());
        }
        for (String protocol : new String[] {"pop3", "smtp", "managesieve"}) {
            try (var a = PasswordLogins.login(server, protocol, user, secret)) {
                assertFalse(a.ok(), protocol + " is not among its protocols: " + a.answer());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"imap", "pop3", "smtp", "managesieve"})
    void anAccountThatRequiresAppPasswordsRefusesItsOwnPassword(String protocol) throws Exception {
        String user = server.newUser("strict-" + protocol);
        String secret = appPassword(user, "Phone", LoginProtocol.all());
        directory().setRequireAppPasswords(user, true);
        try (var a = PasswordLogins.login(server, protocol, user, TestServer.PASSWORD)) {
            assertFalse(a.ok(), a.answer());
            assertTrue(a.answer().toLowerCase(java.util.Locale.ROOT).contains("app password"), "says why: " + a.answer());
        }
        try (LineClient c = PasswordLogins.ready(server, protocol)) {
            var r = PasswordLogins.scram(c, protocol, "SCRAM-SHA-256", ScramClient.withoutBinding(user, TestServer.PASSWORD));
            assertFalse(r.ok(), "nor over SCRAM: " + r.answer());
        }
        try (var a = PasswordLogins.login(server, protocol, user, secret)) {
            assertTrue(a.ok(), a.answer());
        }
        try (LineClient c = PasswordLogins.ready(server, protocol)) {
            var r = PasswordLogins.scram(c, protocol, "SCRAM-SHA-256", ScramClient.withoutBinding(user, secret));
            assertTrue(r.ok(), "an app password logs in with SCRAM too: " + r.answer());
            assertTrue(r.serverVerified());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"imap", "pop3", "smtp", "managesieve"})
    void revokingEndsTheSessionsLoggedInWithItAtTheirNextCommand(String protocol) throws Exception {
        String user = server.newUser("revoke-" + protocol);
        String secret = appPassword(user, "Old phone", LoginProtocol.all());
        try (var withApp = PasswordLogins.login(server, protocol, user, secret)) {
            assertTrue(withApp.ok(), withApp.answer());
            assertTrue(commandWorks(withApp.client(), protocol, 1), "works before the revocation");
            directory().revokeAppPassword(user, "Old phone");
            String answer = nextAnswer(withApp.client(), protocol, 2);
            assertTrue(ended(protocol, answer), protocol + ": the next command ends the session: " + answer);
            assertTrue(withApp.client().isClosedByServer(), "and the connection is closed");
        }
        try (var a = PasswordLogins.login(server, protocol, user, secret)) {
            assertFalse(a.ok(), "and it logs in no more: " + a.answer());
        }
    }

    @Test
    void aRevocationOnAnotherNodeEndsTheSessionHereToo() throws Exception {
        String user = server.newUser("cluster");
        String secret = appPassword(user, "Tablet", LoginProtocol.all());
        try (var withApp = PasswordLogins.login(server, "imap", user, secret);
             var withPassword = PasswordLogins.login(server, "imap", user, TestServer.PASSWORD)) {
            assertTrue(withApp.ok() && withPassword.ok());
            otherNode.server().directory().revokeAppPassword(user, "Tablet");
            // the change reaches this node through the store's feed (a poll, or a NOTIFY): ask until it has
            String answer = "";
            long deadline = System.nanoTime() + 30_000_000_000L;
            for (int n = 1; System.nanoTime() < deadline; n++) {
                answer = nextAnswer(withApp.client(), "imap", n);
                if (!answer.startsWith("a" + n + " OK")) break;
                Thread.sleep(100);
            }
            assertTrue(answer.startsWith("* BYE"), answer);
            assertTrue(commandWorks(withPassword.client(), "imap", 99), "a session with the account's password goes on");
        }
    }

    @Test
    void aPasswordChangeEndsTheSessionsOfTheOldPasswordButNotThoseOfAppPasswords() throws Exception {
        String user = server.newUser("passwd");
        String secret = appPassword(user, "Phone", LoginProtocol.all());
        try (var withApp = PasswordLogins.login(server, "smtp", user, secret);
             var withPassword = PasswordLogins.login(server, "smtp", user, TestServer.PASSWORD)) {
            assertTrue(withApp.ok() && withPassword.ok());
            directory().setPassword(user, "a brand new password".toCharArray());
            assertTrue(nextAnswer(withPassword.client(), "smtp", 1).startsWith("421 "));
            assertTrue(commandWorks(withApp.client(), "smtp", 2));
        }
    }

    /** Sends a harmless command (tag number {@code n}) and returns the first line of the answer. */
    private static String nextAnswer(LineClient c, String protocol, int n) throws Exception {
        switch (protocol) {
            case "imap" -> c.send("a" + n + " NOOP");
            case "pop3" -> c.send("NOOP");
            case "smtp" -> c.send("NOOP");
            default -> c.send("NOOP");
        }
        String line = c.readLine();
        // IMAP may send untagged data first; the BYE is untagged too
        while (protocol.equals("imap") && line != null && line.startsWith("* ") && !line.startsWith("* BYE")) line = c.readLine();
        return line == null ? "(closed)" : line;
    }

    private static boolean commandWorks(LineClient c, String protocol, int n) throws Exception {
        String answer = nextAnswer(c, protocol, n);
        return switch (protocol) {
            case "imap" -> answer.startsWith("a" + n + " OK");
            case "pop3" -> answer.startsWith("+OK");
            case "smtp" -> answer.startsWith("250");
            default -> answer.startsWith("OK");
        };
    }

    private static boolean ended(String protocol, String answer) {
        return switch (protocol) {
            case "imap" -> answer.startsWith("* BYE");
            case "pop3" -> answer.startsWith("-ERR");
            case "smtp" -> answer.startsWith("421 ");
            default -> answer.startsWith("BYE");
        };
    }
}
