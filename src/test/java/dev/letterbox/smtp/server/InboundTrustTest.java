package dev.letterbox.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.QueuedMessage;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a sender on port 25 cannot make us do: claim our own verdict in an Authentication-Results
 * field (RFC 8601 §5), or have us mail a third party — success and delay reports to a forged
 * envelope sender, or the whole message back in a failure report (issue: delivery-report reflection).
 */
class InboundTrustTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private static void send(String from, String rcpt, String message) throws Exception {
        try (LineClient c = server.connect("smtp")) {
            c.expectPrefix("220 ");
            c.send("EHLO client.example.org");
            ehloDone(c);
            c.send("MAIL FROM:<" + from + ">");
            c.expectPrefix("250 ");
            c.send("RCPT TO:<" + rcpt + ">");
            c.expectPrefix("250 ");
            c.send("DATA");
            c.expectPrefix("354 ");
            c.sendRaw(message + ".\r\n");
            c.expectPrefix("250 ");
        }
    }

    private static void ehloDone(LineClient c) throws java.io.IOException {
        String line;
        do {
            line = c.readLine();
        } while (line != null && !line.startsWith("250 "));
    }

    private static List<QueuedMessage> queuedSince(long id) {
        return server.server().store().queue().list(id, 1000);
    }

    private static long lastQueueId() {
        List<QueuedMessage> all = server.server().store().queue().list(0, 100_000);
        return all.isEmpty() ? 0 : all.getLast().id();
    }

    @Test
    void anAuthenticationResultsFieldClaimingOurNameIsLeftOutOthersStay() throws Exception {
        String user = server.newUser("trusting");
        send("someone@example.org", user, "Authentication-Results: " + server.hostname() + "; dmarc=pass header.from=bank.example\r\n"
                + "Authentication-Results: MAIL.EXAMPLE.TEST (forged again);\r\n  spf=pass\r\n"
                + "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.org\r\n"
                + "From: someone@example.org\r\nSubject: trust me\r\n\r\nbody\r\n");
        String stored = server.inbox(user).getFirst();
        assertFalse(stored.contains("dmarc=pass header.from=bank.example"), stored);
        assertFalse(stored.contains("forged again"), stored);
        assertTrue(stored.contains("Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.org\r\n"
                + "From: someone@example.org\r\nSubject: trust me\r\n\r\nbody\r\n"), "the rest as sent: " + stored);
    }

    @Test
    void aSuccessReportIsNotSentToAnUnverifiedSenderFromTheInternet() throws Exception {
        String user = server.newUser("reflector");
        long before = lastQueueId();
        try (LineClient c = server.connect("smtp")) {
            c.expectPrefix("220 ");
            c.send("EHLO attacker.example");
            ehloDone(c);
            c.send("MAIL FROM:<victim@outside.example> RET=FULL");
            c.expectPrefix("250 ");
            c.send("RCPT TO:<" + user + "> NOTIFY=SUCCESS");
            c.expectPrefix("250 ");
            c.send("DATA");
            c.expectPrefix("354 ");
            c.sendRaw("Subject: spam for the victim\r\n\r\nlots of it\r\n.\r\n");
            c.expectPrefix("250 ");
        }
        assertEquals(1, server.inbox(user).size(), "the message itself is delivered");
        assertTrue(queuedSince(before).isEmpty(), "no report queued for the forged sender: " + queuedSince(before));
    }

    @Test
    void aForwardedMessageKeepsOnlyFailureReportsAndHeadersForAnUnverifiedSender() throws Exception {
        String alias = "forwarder-" + System.nanoTime() + "@" + server.domain();
        server.server().directory().addAlias(alias, "someone@elsewhere.example");
        long before = lastQueueId();
        try (LineClient c = server.connect("smtp")) {
            c.expectPrefix("220 ");
            c.send("EHLO attacker.example");
            ehloDone(c);
            c.send("MAIL FROM:<victim@outside.example> RET=FULL");
            c.expectPrefix("250 ");
            c.send("RCPT TO:<" + alias + "> NOTIFY=SUCCESS,DELAY,FAILURE");
            c.expectPrefix("250 ");
            c.send("DATA");
            c.expectPrefix("354 ");
            c.sendRaw("Subject: forwarded\r\n\r\nbody\r\n.\r\n");
            c.expectPrefix("250 ");
        }
        List<QueuedMessage> queued = queuedSince(before);
        assertEquals(1, queued.size());
        QueuedMessage m = queued.getFirst();
        assertEquals(Optional.of(QueuedMessage.Ret.HDRS), m.envelope().ret(), "never the whole message back to an outsider");
        assertEquals(Optional.of(Set.of(QueuedMessage.Notify.FAILURE)), m.recipients().getFirst().notifyOn());
    }
}
