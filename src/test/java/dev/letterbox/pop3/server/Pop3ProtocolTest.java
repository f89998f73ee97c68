package dev.letterbox.pop3.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.Mailbox;
import dev.letterbox.store.Protocol;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POP3 transcripts over real sockets; expected replies follow RFC 1939, 2449, 2595 and 5034. */
class Pop3ProtocolTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    static final String MSG1 = "From: a@example.org\r\nTo: b@example.test\r\nSubject: one\r\n\r\nHello\r\n";
    static final String MSG2 = "From: a@example.org\r\nSubject: two\r\n\r\nline 1\r\n.starts with a dot\r\n.\r\n..\r\nend\r\n";

    private LineClient loggedIn(String user) throws Exception {
        LineClient c = server.connectTls("pop3s");
        c.expectPrefix("+OK ");
        c.send("USER " + user).expectPrefix("+OK");
        c.send("PASS " + TestServer.PASSWORD).expectPrefix("+OK");
        return c;
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void greetingAndCapabilitiesBeforeAndAfterStls() throws Exception {
        try (LineClient c = server.connect("pop3")) {
            c.expectPrefix("+OK ");
            c.send("CAPA").expectPrefix("+OK");
            List<String> before = c.readUntil(".");
            assertTrue(before.contains("STLS"));
            assertTrue(before.contains("UIDL") && before.contains("TOP") && before.contains("RESP-CODES")
                    && before.contains("PIPELINING") && before.contains("AUTH-RESP-CODE"));
            assertFalse(before.contains("USER"), "no plaintext login offered before TLS");
            assertFalse(before.stream().anyMatch(l -> l.startsWith("SASL")));
            c.send("STLS").expectPrefix("+OK");
            c.startTls();
            c.send("CAPA").expectPrefix("+OK");
            List<String> after = c.readUntil(".");
            assertFalse(after.contains("STLS"));
            assertTrue(after.contains("USER"));
            assertTrue(after.contains("SASL PLAIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS"));
        }
    }

    @Test
    void plaintextLoginIsRefusedBeforeStlsThenWorksAfter() throws Exception {
        String user = server.newUser("stls");
        try (LineClient c = server.connect("pop3")) {
            c.expectPrefix("+OK");
            c.send("USER " + user).expectPrefix("-ERR ");
            c.send("AUTH PLAIN " + plain(user, TestServer.PASSWORD)).expectPrefix("-ERR ");
            c.send("STLS").expect("+OK Begin TLS negotiation");
            c.startTls();
            c.send("STLS").expectPrefix("-ERR ");
            c.send("USER " + user).expectPrefix("+OK");
            c.send("PASS " + TestServer.PASSWORD).expectPrefix("+OK");
            c.send("STAT").expect("+OK 0 0");
            c.send("QUIT").expectPrefix("+OK");
        }
    }

    @Test
    void bytesPipelinedAfterStlsAreDiscarded() throws Exception {
        String user = server.newUser("inject");
        try (LineClient c = server.connect("pop3")) {
            c.expectPrefix("+OK");
            // An attacker in the middle appends a command after STLS; it must not run inside TLS.
            c.sendRaw("STLS\r\nUSER " + user + "\r\n");
            c.expect("+OK Begin TLS negotiation");
            c.startTls();
            c.send("PASS " + TestServer.PASSWORD).expectPrefix("-ERR "); // no USER was seen
        }
    }

    @Test
    void statListUidlRetrTopDeleRsetNoop() throws Exception {
        String user = server.newUser("cmds");
        server.deliver(user, MSG1);
        server.deliver(user, MSG2);
        int s1 = MSG1.length(), s2 = MSG2.length();
        String uid2;
        try (LineClient c = loggedIn(user)) {
            c.send("STAT").expect("+OK 2 " + (s1 + s2));
            c.send("LIST").expectPrefix("+OK");
            assertEquals(List.of("1 " + s1, "2 " + s2), c.readUntil("."));
            c.send("LIST 2").expect("+OK 2 " + s2);
            c.send("LIST 3").expectPrefix("-ERR ");
            c.send("UIDL").expectPrefix("+OK");
            List<String> uidl = c.readUntil(".");
            assertEquals(2, uidl.size());
            assertTrue(uidl.get(0).matches("1 [\\x21-\\x7e]{1,70}"), uidl.get(0));
            uid2 = uidl.get(1).substring(2);
            c.send("UIDL 2").expect("+OK 2 " + uid2);
            c.send("TOP 2 1").expectPrefix("+OK");
            assertEquals(List.of("From: a@example.org", "Subject: two", "", "line 1"), c.readUntil("."));
            c.send("TOP 2 0").expectPrefix("+OK");
            assertEquals(List.of("From: a@example.org", "Subject: two", ""), c.readUntil("."));
            c.send("RETR 1").expectPrefix("+OK");
            assertEquals(List.of("From: a@example.org", "To: b@example.test", "Subject: one", "", "Hello"), c.readUntil("."));
            c.send("NOOP").expect("+OK");
            c.send("DELE 1").expectPrefix("+OK");
            c.send("DELE 1").expectPrefix("-ERR ");
            c.send("RETR 1").expectPrefix("-ERR ");
            c.send("LIST 1").expectPrefix("-ERR ");
            c.send("STAT").expect("+OK 1 " + s2);
            c.send("LIST").expectPrefix("+OK");
            assertEquals(List.of("2 " + s2), c.readUntil("."), "deleted messages are not listed, numbers stay");
            c.send("RSET").expectPrefix("+OK");
            c.send("STAT").expect("+OK 2 " + (s1 + s2));
            c.send("QUIT").expectPrefix("+OK");
        }
        // nothing was deleted: RSET undid the mark
        try (LineClient c = loggedIn(user)) {
            c.send("STAT").expect("+OK 2 " + (s1 + s2));
            c.send("UIDL 2").expect("+OK 2 " + uid2);
        }
    }

    @Test
    void uidlValuesAreStableAcrossSessions() throws Exception {
        String user = server.newUser("uidl");
        server.deliver(user, MSG1);
        server.deliver(user, MSG2);
        List<String> first, second;
        try (LineClient c = loggedIn(user)) {
            c.send("UIDL").expectPrefix("+OK");
            first = c.readUntil(".");
            c.send("DELE 1").expectPrefix("+OK");
            c.send("QUIT").expectPrefix("+OK");
        }
        try (LineClient c = loggedIn(user)) {
            c.send("UIDL").expectPrefix("+OK");
            second = c.readUntil(".");
        }
        assertEquals(1, second.size());
        assertEquals(first.get(1).substring(2), second.get(0).substring(2), "message 2's id survives the deletion of 1");
    }

    @Test
    void retrReturnsTheStoredBytesExactlyAfterUnstuffing() throws Exception {
        String user = server.newUser("bytes");
        byte[] message = ("From: x@example.org\r\nSubject: =?UTF-8?Q?gr=C3=BC=C3=9Fe?=\r\n\r\n"
                + ".\r\n..\r\n.x\r\nnot a dot.\r\n\r\n.\r\nüñíçødé\r\nlast line without break").getBytes(StandardCharsets.UTF_8);
        server.deliver(user, message);
        try (LineClient c = loggedIn(user)) {
            c.send("RETR 1").expect("+OK " + message.length + " octets");
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            String line;
            while (!(line = c.readLine()).equals(".")) {
                if (line.startsWith(".")) line = line.substring(1); // RFC 1939 §3 unstuffing
                got.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            // the server adds the final CRLF a message without one needs before the terminator
            byte[] expected = (new String(message, StandardCharsets.UTF_8) + "\r\n").getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(expected, got.toByteArray());
        }
    }

    @Test
    void deleThenQuitRemovesDurablyAndSetsNothingOnDisconnect() throws Exception {
        String user = server.newUser("dele");
        server.deliver(user, MSG1);
        server.deliver(user, MSG2);
        // A session that marks and then drops the connection deletes nothing.
        try (LineClient c = loggedIn(user)) {
            c.send("DELE 1").expectPrefix("+OK");
        }
        waitForUnlock(user);
        try (LineClient c = loggedIn(user)) {
            c.send("STAT").expectPrefix("+OK 2 ");
            c.send("DELE 1").expectPrefix("+OK");
            c.send("QUIT").expect("+OK bye, 1 messages deleted");
        }
        long id = server.account(user).id();
        long remaining = server.server().store().read(id, tx -> tx.status(tx.mailbox(Mailbox.INBOX).orElseThrow().id()).messages());
        assertEquals(1, remaining);
    }

    private static void waitForUnlock(String user) throws Exception {
        // the server notices the closed socket asynchronously; retry until the maildrop is free
        for (int i = 0; i < 50; i++) {
            try (LineClient c = server.connectTls("pop3s")) {
                c.expectPrefix("+OK");
                c.send("USER " + user).expectPrefix("+OK");
                String r = c.send("PASS " + TestServer.PASSWORD).readLine();
                if (r.startsWith("+OK")) {
                    c.send("RSET").expectPrefix("+OK");
                    c.send("QUIT").expectPrefix("+OK");
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("maildrop of " + user + " stayed locked");
    }

    @Test
    void authPlainWithAndWithoutInitialResponse() throws Exception {
        String user = server.newUser("sasl");
        try (LineClient c = server.connectTls("pop3s")) {
            c.expectPrefix("+OK");
            c.send("AUTH").expectPrefix("+OK");
            assertEquals(List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"), c.readUntil("."));
            c.send("AUTH CRAM-MD5").expectPrefix("-ERR ");
            c.send("AUTH PLAIN").expect("+ ");
            c.send("*").expectPrefix("-ERR ");
            c.send("AUTH PLAIN").expect("+ ");
            c.send(plain(user, TestServer.PASSWORD)).expectPrefix("+OK");
            c.send("QUIT").expectPrefix("+OK");
        }
        try (LineClient c = server.connectTls("pop3s")) {
            c.expectPrefix("+OK");
            c.send("AUTH PLAIN " + plain(user, "wrong password")).expect("-ERR [AUTH] authentication failed");
            c.send("AUTH PLAIN !!!").expectPrefix("-ERR ");
            c.send("AUTH PLAIN " + plain(user, TestServer.PASSWORD)).expectPrefix("+OK");
        }
    }

    @Test
    void wrongPasswordAndUnknownUserLookTheSame() throws Exception {
        String user = server.newUser("wrong");
        try (LineClient c = server.connectTls("pop3s")) {
            c.expectPrefix("+OK");
            c.send("USER " + user).expectPrefix("+OK");
            c.send("PASS nope").expect("-ERR [AUTH] authentication failed");
            c.send("USER nobody@example.test").expectPrefix("+OK");
            c.send("PASS nope").expect("-ERR [AUTH] authentication failed");
            c.send("PASS x").expect("-ERR USER first");
            c.send("STAT").expectPrefix("-ERR ");
        }
    }

    @Test
    void secondSessionOnTheSameMaildropGetsInUse() throws Exception {
        String user = server.newUser("inuse");
        try (LineClient first = loggedIn(user); LineClient second = server.connectTls("pop3s")) {
            second.expectPrefix("+OK");
            second.send("USER " + user).expectPrefix("+OK");
            second.send("PASS " + TestServer.PASSWORD).expectPrefix("-ERR [IN-USE] ");
            first.send("QUIT").expectPrefix("+OK");
        }
    }

    @Test
    void accountWithPop3DisabledIsRefusedWithAReason() throws Exception {
        String user = server.newUser("nopop");
        server.server().directory().setProtocols(user, EnumSet.of(Protocol.IMAP, Protocol.SMTP));
        try (LineClient c = server.connectTls("pop3s")) {
            c.expectPrefix("+OK");
            c.send("USER " + user).expectPrefix("+OK");
            String reply = c.send("PASS " + TestServer.PASSWORD).readLine();
            assertTrue(reply.startsWith("-ERR [AUTH] ") && reply.contains("POP3"), reply);
        }
        server.server().directory().setEnabled(user, false);
        try (LineClient c = server.connectTls("pop3s")) {
            c.expectPrefix("+OK");
            c.send("USER " + user).expectPrefix("+OK");
            c.send("PASS " + TestServer.PASSWORD).expect("-ERR [AUTH] this account is disabled");
        }
    }

    @Test
    void malformedInputGetsErrAndTheSessionGoesOn() throws Exception {
        String user = server.newUser("junk");
        try (LineClient c = server.connectTls("pop3s")) {
            c.expectPrefix("+OK");
            c.send("X".repeat(5000)).expect("-ERR line too long");
            c.send("HELLO there").expect("-ERR unknown command");
            c.sendRaw(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, '\r', '\n'}).expectPrefix("-ERR ");
            c.send("RETR one").expectPrefix("-ERR ");
            c.send("USER " + user).expectPrefix("+OK");
            c.send("PASS " + TestServer.PASSWORD).expectPrefix("+OK");
            c.send("TOP 1").expectPrefix("-ERR ");
            c.send("STAT").expect("+OK 0 0");
        }
    }

    @Test
    void tooManyErrorsCloseTheConnection() throws Exception {
        try (LineClient c = server.connectTls("pop3s")) {
            c.expectPrefix("+OK");
            for (int i = 0; i < 9; i++) c.send("BOGUS").expect("-ERR unknown command");
            c.send("BOGUS").expect("-ERR unknown command");
            c.expect("-ERR too many errors, closing connection");
            assertTrue(c.isClosedByServer());
        }
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws Exception {
        String user = server.newUser("pipe");
        server.deliver(user, MSG1);
        try (LineClient c = server.connectTls("pop3s")) {
            c.expectPrefix("+OK");
            c.sendRaw("USER " + user + "\r\nPASS " + TestServer.PASSWORD + "\r\nSTAT\r\nLIST 1\r\nNOOP\r\nQUIT\r\n");
            c.expectPrefix("+OK");
            c.expectPrefix("+OK Logged in");
            c.expect("+OK 1 " + MSG1.length());
            c.expect("+OK 1 " + MSG1.length());
            c.expect("+OK");
            c.expectPrefix("+OK bye");
        }
    }

    @Test
    void disconnectMidCommandLeavesTheServerServingOthers() throws Exception {
        String user = server.newUser("midcmd");
        for (int i = 0; i < 5; i++) {
            try (LineClient c = server.connectTls("pop3s")) {
                c.expectPrefix("+OK");
                c.sendRaw("USER " + user + "\r\nPA"); // half a command, then gone
            }
        }
        try (LineClient c = loggedIn(user)) {
            c.send("STAT").expect("+OK 0 0");
        }
    }

    @Test
    void concurrentSessionsOfDifferentUsers() throws Exception {
        int n = 16;
        String[] users = new String[n];
        for (int i = 0; i < n; i++) {
            users[i] = server.newUser("conc");
            server.deliver(users[i], "Subject: " + i + "\r\n\r\nbody " + i + "\r\n");
        }
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            threads.add(Thread.ofVirtual().start(() -> {
                // 16 TLS handshakes and password checks at once: on a loaded machine that takes a while,
                // which is not what this test is about (each session's answers are)
                try (LineClient c = server.connectTls("pop3s")) {
                    c.socket().setSoTimeout(120_000);
                    c.expectPrefix("+OK ");
                    c.send("USER " + users[k]).expectPrefix("+OK");
                    c.send("PASS " + TestServer.PASSWORD).expectPrefix("+OK");
                    c.send("RETR 1").expectPrefix("+OK");
                    assertEquals(List.of("Subject: " + k, "", "body " + k), c.readUntil("."));
                    c.send("DELE 1").expectPrefix("+OK");
                    c.send("QUIT").expectPrefix("+OK");
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertTrue(failures.isEmpty(), () -> "failures: " + failures);
    }

    @Test
    void retrMarksSeenAtQuit() throws Exception {
        String user = server.newUser("seen");
        server.deliver(user, MSG1);
        try (LineClient c = loggedIn(user)) {
            c.send("RETR 1").expectPrefix("+OK");
            c.readUntil(".");
            c.send("QUIT").expectPrefix("+OK");
        }
        long id = server.account(user).id();
        long unseen = server.server().store().read(id, tx -> tx.status(tx.mailbox(Mailbox.INBOX).orElseThrow().id()).unseen());
        assertEquals(0, unseen);
    }
}
