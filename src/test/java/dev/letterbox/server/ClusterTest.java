package dev.letterbox.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two servers on one data directory, as two nodes on one database: what one node decides about a
 * mailbox or a client, the other must honour. Each test uses its own accounts and client addresses.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class ClusterTest {
    private static final String CONFIG = """
            [auth]
            failures_before_delay = 100
            failures_before_block = 4
            block_time = "1m"
            [imap]
            plaintext_auth_on_loopback = true
            [pop3]
            plaintext_auth_on_loopback = true
            """;

    @RegisterExtension
    @Order(1)
    static final TestServer a = new TestServer(CONFIG);
    @RegisterExtension
    @Order(2)
    static final TestServer b = a.secondNode();

    // ---------------------------------------------------------------- POP3 [IN-USE] (RFC 2449 §8.1.2)

    @Test
    void aMaildropOpenOnOneNodeIsInUseOnTheOther() throws Exception {
        String user = a.newUser("pop");
        try (LineClient first = pop3(a, "127.0.4.1")) {
            assertEquals("+OK", pass(first, user, TestServer.PASSWORD).substring(0, 3));
            try (LineClient second = pop3(b, "127.0.4.2")) {
                String r = pass(second, user, TestServer.PASSWORD);
                assertTrue(r.startsWith("-ERR [IN-USE] "), r);
            }
            try (LineClient third = pop3(a, "127.0.4.3")) {
                String r = pass(third, user, TestServer.PASSWORD);
                assertTrue(r.startsWith("-ERR [IN-USE] "), "and on the holder's own node: " + r);
            }
            first.send("QUIT").expectPrefix("+OK");
        }
        try (LineClient again = pop3(b, "127.0.4.2")) {
            assertTrue(pass(again, user, TestServer.PASSWORD).startsWith("+OK"), "free once the holder said QUIT");
            again.send("QUIT").expectPrefix("+OK");
        }
    }

    @Test
    void aDroppedConnectionFreesTheMaildropForTheOtherNode() throws Exception {
        String user = a.newUser("drop");
        try (LineClient first = pop3(a, "127.0.4.5")) {
            assertTrue(pass(first, user, TestServer.PASSWORD).startsWith("+OK"));
        } // closed without QUIT: the session ends and lets go
        String r = "";
        for (int i = 0; i < 100; i++) { // the session's end on the server follows the close a moment later
            try (LineClient again = pop3(b, "127.0.4.6")) {
                r = pass(again, user, TestServer.PASSWORD);
                if (r.startsWith("+OK")) {
                    again.send("QUIT").expectPrefix("+OK");
                    break;
                }
            }
            Thread.sleep(20);
        }
        assertTrue(r.startsWith("+OK"), r);
    }

    // ---------------------------------------------------------------- failed logins

    @Test
    void guessesSplitAcrossTwoNodesAreBlockedOnBoth() throws Exception {
        String victim = a.newUser("victim");
        String from = "127.0.5.1";
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) answers.add(imapLogin(i % 2 == 0 ? a : b, from, victim, "guess-" + i));
        for (String r : answers) assertTrue(r.startsWith("a1 NO [AUTHENTICATIONFAILED]"), answers.toString());
        // four failures, two at each node: the block (4) is reached only by counting both
        assertTrue(imapLogin(a, from, victim, TestServer.PASSWORD).startsWith("a1 NO [UNAVAILABLE]"), "blocked on a");
        assertTrue(imapLogin(b, from, victim, TestServer.PASSWORD).startsWith("a1 NO [UNAVAILABLE]"), "blocked on b");
        try (LineClient c = pop3(b, from)) {
            assertTrue(pass(c, victim, TestServer.PASSWORD).startsWith("-ERR [SYS/TEMP]"), "in every protocol");
        }
        assertTrue(imapLogin(b, "127.0.5.2", victim, TestServer.PASSWORD).startsWith("a1 OK"), "other addresses are not");
    }

    @Test
    void aSuccessOnOneNodeClearsThatAccountsFailuresOnBoth() throws Exception {
        String user = a.newUser("typo");
        String from = "127.0.5.3";
        for (int round = 0; round < 3; round++) {
            assertTrue(imapLogin(a, from, user, "typo-" + round).startsWith("a1 NO [AUTHENTICATIONFAILED]"));
            assertTrue(imapLogin(b, from, user, "typo-" + round + "b").startsWith("a1 NO [AUTHENTICATIONFAILED]"));
            assertTrue(imapLogin(b, from, user, TestServer.PASSWORD).startsWith("a1 OK"),
                    "round " + round + ": the success clears the failures counted on both nodes");
        }
    }

    // ---------------------------------------------------------------- the verified-login cache

    @Test
    void aPasswordChangedOnOneNodeIsRefusedOnTheOtherAtOnce() throws Exception {
        String user = a.newUser("change");
        assertTrue(imapLogin(a, "127.0.6.1", user, TestServer.PASSWORD).startsWith("a1 OK"), "a remembers the password");
        assertTrue(imapLogin(a, "127.0.6.1", user, TestServer.PASSWORD).startsWith("a1 OK"));
        b.server().directory().setPassword(user, "a new password!".toCharArray());
        // no waiting for the change feed: the cache is keyed by the stored hash, read afresh at each login
        assertTrue(imapLogin(a, "127.0.6.1", user, TestServer.PASSWORD).startsWith("a1 NO [AUTHENTICATIONFAILED]"),
                "the old password, right after the change on b");
        assertTrue(imapLogin(a, "127.0.6.1", user, "a new password!").startsWith("a1 OK"));

        b.server().directory().setEnabled(user, false);
        assertTrue(imapLogin(a, "127.0.6.1", user, "a new password!").startsWith("a1 NO"), "disabled on b, refused on a");
    }

    // ---------------------------------------------------------------- \Recent (RFC 3501 §2.3.2)

    @Test
    void aNewMessageIsRecentInOneSessionOnlyAcrossNodes() throws Exception {
        String user = a.newUser("recent");
        try (LineClient onA = imap(a, "127.0.7.1"); LineClient onB = imap(b, "127.0.7.2")) {
            login(onA, user);
            login(onB, user);
            for (int round = 0; round < 20; round++) {
                a.deliver(user, "Subject: " + round + "\r\n\r\nround " + round + "\r\n");
                // both select at once: which one gets \Recent is a race, that only one does is not
                onA.send("s" + round + " SELECT INBOX");
                onB.send("s" + round + " SELECT INBOX");
                long recent = recentCount(onA, "s" + round) + recentCount(onB, "s" + round);
                assertEquals(1, recent, "round " + round + ": the new message is \\Recent in exactly one session");
            }
        }
    }

    // ---------------------------------------------------------------- clients

    private static LineClient pop3(TestServer node, String from) throws IOException {
        LineClient c = node.connectFrom(from, "pop3", false);
        c.expectPrefix("+OK");
        return c;
    }

    private static String pass(LineClient c, String user, String password) throws IOException {
        c.send("USER " + user).expectPrefix("+OK");
        c.send("PASS " + password);
        String r = c.readLine();
        assertNotNull(r, "connection closed before the answer to PASS");
        return r;
    }

    private static LineClient imap(TestServer node, String from) throws IOException {
        LineClient c = node.connectFrom(from, "imap", false);
        c.expectPrefix("* OK");
        return c;
    }

    private static void login(LineClient c, String user) throws IOException {
        c.send("a1 LOGIN \"" + user + "\" \"" + TestServer.PASSWORD + "\"");
        assertTrue(tagged(c, "a1").startsWith("a1 OK"));
    }

    /** RFC 3501 §6.2.3 LOGIN over a new connection; the tagged answer. */
    private static String imapLogin(TestServer node, String from, String user, String password) throws IOException {
        try (LineClient c = imap(node, from)) {
            c.send("a1 LOGIN \"" + user + "\" \"" + password + "\"");
            return tagged(c, "a1");
        }
    }

    private static String tagged(LineClient c, String tag) throws IOException {
        String r;
        do {
            r = c.readLine();
            assertNotNull(r, "connection closed before the answer to " + tag);
        } while (!r.startsWith(tag + " "));
        return r;
    }

    /** Reads a SELECT's answer (which must be OK) and returns its "* n RECENT". */
    private static long recentCount(LineClient c, String tag) throws IOException {
        long recent = -1;
        String r;
        while (!(r = c.readLine()).startsWith(tag + " ")) {
            if (r.matches("\\* \\d+ RECENT")) recent = Long.parseLong(r.split(" ")[1]);
        }
        assertTrue(r.startsWith(tag + " OK"), r);
        assertTrue(recent >= 0, "no RECENT in the answer to " + tag);
        return recent;
    }
}
