package dev.letterbox.smtp.server;

import static dev.letterbox.smtp.server.SmtpTesting.expect;
import static dev.letterbox.smtp.server.SmtpTesting.transaction;
import static dev.letterbox.smtp.server.SmtpTesting.inbox;
import static dev.letterbox.smtp.server.SmtpTesting.inboxText;
import static dev.letterbox.smtp.server.SmtpTesting.mta;
import static dev.letterbox.smtp.server.SmtpTesting.withoutTrace;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.smtp.SmtpReply;
import dev.letterbox.smtp.client.SmtpClient;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Message content paths: BDAT (RFC 3030), SMTPUTF8 (RFC 6531), quota, aliases and forwards. */
class SmtpMessageTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private SmtpClient client() throws Exception {
        SmtpClient c = SmtpClient.connect("127.0.0.1", server.port("smtp"), Duration.ofSeconds(10));
        assertEquals(220, c.greeting().code());
        assertEquals(250, c.ehlo("client.example.org").code());
        return c;
    }

    @Test
    void bdatChunksArriveByteExactIncludingBinary() throws Exception {
        String user = server.newUser("bdat");
        byte[] message = new byte[70_000];
        byte[] head = "Subject: binary\r\nContent-Type: application/octet-stream\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, message, 0, head.length);
        for (int i = head.length; i < message.length; i++) message[i] = (byte) (i * 31); // bare CRs, LFs, dots, NULs
        try (SmtpClient c = client()) {
            assertTrue(c.supports("CHUNKING") && c.supports("BINARYMIME"));
            var env = new SmtpClient.Envelope("s@example.org", "BODY=BINARYMIME", List.of(user), "");
            SmtpClient.Result r = c.sendChunked(env, message, 16_000);
            assertTrue(r.accepted(), r.toString());
            assertEquals("2.0.0", r.data().orElseThrow().enhanced().orElseThrow());
            assertEquals(221, c.quit().code());
        }
        byte[] stored = inbox(server, user).get(0);
        byte[] tail = Arrays.copyOfRange(stored, stored.length - message.length, stored.length);
        assertArrayEquals(message, tail);
    }

    @Test
    void binaryMimeRefusesDataAndBdatWithoutTransactionIsReadAndRefused() throws Exception {
        String user = server.newUser("binmime");
        try (LineClient c = mta(server)) {
            c.send("MAIL FROM:<s@example.org> BODY=BINARYMIME");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<" + user + ">");
            expect(c, "250 2.1.5");
            c.send("DATA");
            expect(c, "503 5.5.1");
            c.send("RSET");
            expect(c, "250 2.0.0");
            c.sendRaw("BDAT 12 LAST\r\nNOOP\r\nNOOP\r\n"); // the 12 octets look like commands but are data
            expect(c, "503 5.5.1");
            c.send("NOOP");
            expect(c, "250 2.0.0");
            c.send("BDAT x");
            expect(c, "501 5.5.4");
            expect(c, "421 4.5.0"); // cannot know where that chunk ends
            assertTrue(c.isClosedByServer());
        }
    }

    @Test
    void bdatZeroLastAndPipelinedChunks() throws Exception {
        String user = server.newUser("bdat0");
        try (LineClient c = mta(server)) {
            c.sendRaw("MAIL FROM:<s@example.org>\r\nRCPT TO:<" + user + ">\r\nBDAT 14\r\nSubject: z\r\n\r\nBDAT 0 LAST\r\n");
            expect(c, "250 2.1.0");
            expect(c, "250 2.1.5");
            expect(c, "250 2.0.0");
            expect(c, "250 2.0.0");
        }
        assertEquals("Subject: z\r\n\r\n", withoutTrace(inboxText(server, user).get(0)));
    }

    @Test
    void smtputf8AddressesAndHeadersArriveIntact() throws Exception {
        String user = server.newUser("jösé");
        String message = "From: Jörg <jörg@bücher.example>\r\nTo: " + user + "\r\nSubject: Grüße 你好\r\n\r\nÜnïcödé body\r\n";
        try (LineClient c = mta(server)) {
            c.send("MAIL FROM:<jörg@bücher.example>");
            expect(c, "553 5.6.7"); // no SMTPUTF8 parameter
            c.send("MAIL FROM:<s@example.org>");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<" + user + ">");
            expect(c, "553 5.6.7");
            c.send("RSET");
            expect(c, "250 2.0.0");
            c.send("MAIL FROM:<jörg@bücher.example> SMTPUTF8 BODY=8BITMIME");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<" + user + ">");
            expect(c, "250 2.1.5");
            c.send("DATA");
            expect(c, "354");
            c.sendRaw(message + ".\r\n");
            expect(c, "250 2.0.0");
        }
        String stored = inboxText(server, user).get(0);
        assertTrue(stored.startsWith("Return-Path: <jörg@bücher.example>\r\n"), stored);
        assertTrue(stored.contains("with UTF8SMTP\r\n"), stored);
        assertEquals(message, withoutTrace(stored));
    }

    @Test
    void quotaFullAtRcptIs452AndTooBigAtDataIs552() throws Exception {
        String user = server.newUser("quota");
        server.server().directory().setQuota(user, 3000);
        String big = "Subject: big\r\n\r\n" + "x".repeat(4000) + "\r\n";
        try (LineClient c = mta(server)) {
            c.send("MAIL FROM:<s@example.org> SIZE=5000");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<" + user + ">");
            expect(c, "452 4.2.2"); // known at RCPT from SIZE
            c.send("RSET");
            expect(c, "250 2.0.0");
            transaction(c, "s@example.org", user, big);
            expect(c, "552 5.2.2");
        }
        assertEquals(List.of(), inboxText(server, user));
    }

    @Test
    void messageLimitReachedIs452AtRcpt() throws Exception {
        String user = server.newUser("msglimit");
        server.server().directory().setMessageQuota(user, 1);
        try (LineClient c = mta(server)) {
            transaction(c, "s@example.org", user, "Subject: first\r\n\r\nfits\r\n");
            expect(c, "250 2.0.0");
            c.send("MAIL FROM:<s@example.org>");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<" + user + ">");
            expect(c, "452 4.2.2"); // RFC 3463: mailbox full, for now
        }
        assertEquals(1, inboxText(server, user).size());
    }

    @Test
    void overQuotaCopyBesideAStoredOneIsQueuedAsFailedForADsn() throws Exception {
        String full = server.newUser("full");
        String fine = server.newUser("fine");
        server.server().directory().setQuota(full, 100);
        String reply;
        try (LineClient c = mta(server)) {
            c.send("MAIL FROM:<s@example.org>");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<" + full + ">");
            expect(c, "250 2.1.5");
            c.send("RCPT TO:<" + fine + ">");
            expect(c, "250 2.1.5");
            c.send("DATA");
            expect(c, "354");
            c.sendRaw("Subject: x\r\n\r\n" + "y".repeat(500) + "\r\n.\r\n");
            reply = expect(c, "250 2.0.0");
        }
        assertEquals(1, inboxText(server, fine).size());
        long id = Long.parseLong(reply.replaceAll(".*queued as (\\d+).*", "$1"));
        QueuedMessage q = server.server().store().queue().message(id).orElseThrow();
        assertEquals(QueuedMessage.State.FAILED, q.recipients().get(0).state());
        assertEquals(full, q.recipients().get(0).address());
        assertTrue(q.recipients().get(0).lastError().orElseThrow().startsWith("552 5.2.2"));
    }

    @Test
    void aliasesCatchAllSubaddressAndForwards() throws Exception {
        String user = server.newUser("target");
        String local = user.substring(0, user.indexOf('@'));
        var dir = server.server().directory();
        dir.addAlias("team-" + local + "@example.test", user);
        dir.addAlias("team-" + local + "@example.test", "outside@example.org");
        String reply;
        try (LineClient c = mta(server)) {
            c.send("MAIL FROM:<s@example.org>");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<" + local + "+tag@example.test>");
            expect(c, "250 2.1.5");
            c.send("RCPT TO:<team-" + local + "@example.test>");
            expect(c, "250 2.1.5");
            c.send("RCPT TO:<" + user + ">");
            expect(c, "250 2.1.5");
            c.send("DATA");
            expect(c, "354");
            c.sendRaw("Subject: fan-out\r\n\r\nx\r\n.\r\n");
            reply = expect(c, "250 2.0.0");
        }
        assertEquals(1, inboxText(server, user).size(), "one copy per account however many of its addresses were named");
        long id = Long.parseLong(reply.replaceAll(".*queued as (\\d+).*", "$1"));
        QueuedMessage q = server.server().store().queue().message(id).orElseThrow();
        assertEquals(List.of("outside@example.org"), q.recipients().stream().map(QueuedMessage.Recipient::address).toList());
        assertTrue(q.envelope().accountId().isEmpty());
    }

    @Test
    void postmasterWithoutDomainReachesOurPostmaster() throws Exception {
        if (server.server().directory().account("postmaster@example.test").isEmpty()) {
            server.server().directory().addAccount("postmaster@example.test", TestServer.PASSWORD.toCharArray(), 0,
                    dev.letterbox.store.Protocol.all());
        }
        try (SmtpClient c = client()) {
            SmtpClient.Result r = c.send(SmtpClient.Envelope.of("s@example.org", "Postmaster"), "Subject: pm\r\n\r\nx\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(r.accepted(), r.toString());
            SmtpReply rcpt = r.rcpts().get(0);
            assertEquals("2.1.5", rcpt.enhanced().orElseThrow());
        }
        assertTrue(inboxText(server, "postmaster@example.test").stream().anyMatch(m -> m.endsWith("Subject: pm\r\n\r\nx\r\n")));
    }
}
