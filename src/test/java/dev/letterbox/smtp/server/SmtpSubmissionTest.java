package dev.letterbox.smtp.server;

import static dev.letterbox.smtp.server.SmtpTesting.expect;
import static dev.letterbox.smtp.server.SmtpTesting.inboxText;
import static dev.letterbox.smtp.server.SmtpTesting.plain;
import static dev.letterbox.smtp.server.SmtpTesting.reply;
import static dev.letterbox.smtp.server.SmtpTesting.submission;
import static dev.letterbox.smtp.server.SmtpTesting.withoutTrace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.QueuedMessage;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Submission (RFC 6409) on 587 with STARTTLS and 465 with implicit TLS: AUTH, sender ownership, queueing. */
class SmtpSubmissionTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void port587NeedsTlsThenAuthBeforeMail() throws Exception {
        String user = server.newUser("sub");
        try (LineClient c = server.connect("submission")) {
            expect(c, "220 ");
            c.send("EHLO client.example.org");
            List<String> ehlo = reply(c);
            assertFalse(ehlo.stream().anyMatch(l -> l.contains("AUTH")), "AUTH is not advertised before TLS");
            c.send("MAIL FROM:<" + user + ">");
            expect(c, "530 5.7.0"); // RFC 3207 §4
            c.send("AUTH PLAIN " + plain(user, TestServer.PASSWORD));
            expect(c, "538 5.7.11");
            c.send("STARTTLS");
            expect(c, "220 2.0.0");
            c.startTls();
            c.send("EHLO client.example.org");
            assertTrue(reply(c).stream().anyMatch(l -> l.substring(4).equals("AUTH PLAIN LOGIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS")));
            c.send("MAIL FROM:<" + user + ">");
            expect(c, "530 5.7.0"); // RFC 4954 §6: authentication required
            c.send("AUTH PLAIN " + plain(user, "wrong password"));
            expect(c, "535 5.7.8");
            c.send("AUTH LOGIN");
            assertEquals("334 " + b64("Username:"), c.readLine());
            c.send(b64(user));
            assertEquals("334 " + b64("Password:"), c.readLine());
            c.send(b64(TestServer.PASSWORD));
            expect(c, "235 2.7.0");
            c.send("AUTH PLAIN " + plain(user, TestServer.PASSWORD));
            expect(c, "503 5.5.1"); // already authenticated
            c.send("MAIL FROM:<" + user + ">");
            expect(c, "250 2.1.0");
        }
    }

    @Test
    void authExchangeEdges() throws Exception {
        String user = server.newUser("edges");
        try (LineClient c = server.connectTls("submissions")) {
            expect(c, "220 ");
            c.send("EHLO client.example.org");
            expect(c, "250 ");
            c.send("AUTH CRAM-MD5");
            expect(c, "504 5.5.4");
            c.send("AUTH PLAIN");
            assertEquals("334 ", c.readLine());
            c.send("*");
            expect(c, "501 5.0.0"); // RFC 4954 §4: cancelled
            c.send("AUTH PLAIN");
            assertEquals("334 ", c.readLine());
            c.send("not base64!");
            expect(c, "501 5.5.2");
            c.send("AUTH PLAIN " + b64("someone-else@example.test\0" + user + "\0" + TestServer.PASSWORD));
            expect(c, "535 5.7.8"); // no acting as another user
            c.send("AUTH PLAIN");
            assertEquals("334 ", c.readLine());
            c.send(plain(user, TestServer.PASSWORD));
            expect(c, "235 2.7.0");
        }
    }

    @Test
    void senderMustBeOwnedByTheAccount() throws Exception {
        String user = server.newUser("owner");
        String other = server.newUser("other");
        server.server().directory().addAlias("sales-" + user.substring(0, user.indexOf('@')) + "@example.test", user);
        String alias = "sales-" + user;
        try (LineClient c = submission(server, user)) {
            for (String spoofed : List.of("<" + other + ">", "<ceo@example.test>", "<someone@example.org>", "<>",
                    "<\"" + user.substring(0, user.indexOf('@')) + "\"@example.org>")) {
                c.send("MAIL FROM:" + spoofed);
                expect(c, "553 5.7.1");
            }
            c.send("MAIL FROM:<" + user.toUpperCase() + ">");
            expect(c, "250 2.1.0");
            c.send("RSET");
            expect(c, "250 2.0.0");
            c.send("MAIL FROM:<" + alias + ">");
            expect(c, "250 2.1.0");
            c.send("RSET");
            expect(c, "250 2.0.0");
            String tagged = user.replace("@", "+news@");
            c.send("MAIL FROM:<" + tagged + ">");
            expect(c, "250 2.1.0");
        }
    }

    @Test
    void missingDateAndMessageIdAreAddedAndPresentOnesKept() throws Exception {
        String user = server.newUser("dates");
        String bare = "From: " + user + "\r\nSubject: no date\r\n\r\nbody\r\n";
        String full = "Date: Mon, 2 Nov 2026 10:00:00 +0000\r\nMessage-ID: <x@y>\r\nFrom: " + user + "\r\n\r\nbody\r\n";
        try (LineClient c = submission(server, user)) {
            for (String m : List.of(bare, full)) {
                c.send("MAIL FROM:<" + user + ">");
                expect(c, "250 2.1.0");
                c.send("RCPT TO:<" + user + ">");
                expect(c, "250 2.1.5");
                c.send("DATA");
                expect(c, "354");
                c.sendRaw(m + ".\r\n");
                expect(c, "250 2.0.0");
            }
        }
        List<String> inbox = inboxText(server, user);
        String first = withoutTrace(inbox.get(0));
        assertTrue(first.matches("(?s)Date: \\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\r\n"
                + "Message-ID: <[0-9a-f]{24}\\.\\d+@mail\\.example\\.test>\r\n" + "From: .*"), first);
        assertTrue(first.endsWith(bare), "the client's bytes follow unchanged");
        assertEquals(full, withoutTrace(inbox.get(1)));
        assertTrue(inbox.get(0).contains("with ESMTPSA (TLSv1.3 "), inbox.get(0));
    }

    @Test
    void remoteRecipientsAreQueuedWithDsnParametersAndLocalOnesDelivered() throws Exception {
        String user = server.newUser("relay");
        String local = server.newUser("colleague");
        String body = "From: " + user + "\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\nMessage-ID: <q@y>\r\n\r\nhello\r\n";
        String reply;
        try (LineClient c = submission(server, user)) {
            c.send("MAIL FROM:<" + user + "> RET=HDRS ENVID=env+2B1 BODY=8BITMIME SIZE=" + body.length());
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<friend@example.org> NOTIFY=FAILURE,DELAY ORCPT=rfc822;friend+40example.org");
            expect(c, "250 2.1.5");
            c.send("RCPT TO:<other@[192.0.2.7]>");
            expect(c, "250 2.1.5");
            c.send("RCPT TO:<" + local + ">");
            expect(c, "250 2.1.5");
            c.send("DATA");
            expect(c, "354");
            c.sendRaw(body + ".\r\n");
            reply = expect(c, "250 2.0.0");
        }
        long id = Long.parseLong(reply.replaceAll(".*queued as (\\d+).*", "$1"));
        QueuedMessage q = server.server().store().queue().message(id).orElseThrow();
        assertEquals(user, q.envelope().sender());
        assertEquals(Optional.of(QueuedMessage.Ret.HDRS), q.envelope().ret());
        assertEquals(Optional.of("env+1"), q.envelope().envId());
        assertEquals(QueuedMessage.Body.EIGHT_BIT_MIME, q.envelope().body());
        assertEquals(server.account(user).id(), q.envelope().accountId().orElseThrow());
        assertEquals(2, q.recipients().size());
        var friend = q.recipients().get(0);
        assertEquals("friend@example.org", friend.address());
        assertEquals(Optional.of(Set.of(QueuedMessage.Notify.FAILURE, QueuedMessage.Notify.DELAY)), friend.notifyOn());
        assertEquals(Optional.of("rfc822;friend@example.org"), friend.orcpt());
        assertEquals(QueuedMessage.State.PENDING, friend.state());
        assertEquals("other@[192.0.2.7]", q.recipients().get(1).address());
        String queued;
        try (var in = server.server().store().blobs().open(q.envelope().blob())) {
            queued = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(queued.startsWith("Received: from client.example.org"), "the queue's copy has no Return-Path: " + queued);
        assertTrue(queued.endsWith("\r\n" + body), queued);
        String delivered = inboxText(server, local).get(0);
        assertEquals(body, withoutTrace(delivered));
    }

    @Test
    void port25AfterStartTlsAndAuthMayRelay() throws Exception {
        String user = server.newUser("mta-auth");
        try (LineClient c = server.connect("smtp")) {
            expect(c, "220 ");
            c.send("EHLO client.example.org");
            expect(c, "250 ");
            c.send("STARTTLS");
            expect(c, "220 ");
            c.startTls();
            c.send("EHLO client.example.org");
            expect(c, "250 ");
            c.send("MAIL FROM:<x@example.org>");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<friend@example.org>");
            expect(c, "554 5.7.1");
            c.send("RSET");
            expect(c, "250 2.0.0");
            c.send("AUTH PLAIN " + plain(user, TestServer.PASSWORD));
            expect(c, "235 2.7.0");
            c.send("MAIL FROM:<" + user + ">");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<friend@example.org>");
            expect(c, "250 2.1.5");
        }
    }
}
