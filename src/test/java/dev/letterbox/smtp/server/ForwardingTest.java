package dev.letterbox.smtp.server;

import static dev.letterbox.smtp.server.SmtpTesting.expect;
import static dev.letterbox.smtp.server.SmtpTesting.mta;
import static dev.letterbox.smtp.server.SmtpTesting.submission;
import static dev.letterbox.smtp.server.SmtpTesting.transaction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.srs.Srs;
import dev.letterbox.srs.SrsReversal;
import dev.letterbox.srs.SrsSecrets;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Forwarding on one server, over real SMTP: what an alias or an account that forwards outward puts
 * in the queue (the SRS sender, Delivered-To), bounces to our SRS addresses accepted and sent on to
 * the original sender, forged and expired ones refused at RCPT, and loops refused. Outbound
 * delivery is on hold: every check is on the queue as the server left it.
 */
class ForwardingTest {
    @RegisterExtension
    static final TestServer server = new TestServer();
    static final AtomicInteger SEQ = new AtomicInteger();
    static final String SRS_DOMAIN = "mail.example.test"; // the host name, by default

    static String alias(String target) {
        String alias = "fwd" + SEQ.incrementAndGet() + "@" + TestServer.DOMAIN;
        server.server().directory().addAlias(alias, target);
        return alias;
    }

    static String message(String subject, String extraHeader) {
        return extraHeader + "From: alice@orig.example\r\nSubject: " + subject + "\r\n\r\nbody of " + subject + "\r\n";
    }

    /** The queued message that has {@code recipient}, with its bytes. */
    static QueuedMessage queuedFor(String recipient) {
        return server.server().store().queue().list(0, 100_000).stream()
                .filter(m -> m.recipients().stream().anyMatch(r -> r.address().equals(recipient)))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("nothing queued for " + recipient));
    }

    static String bytes(QueuedMessage m) throws IOException {
        try (InputStream in = server.server().store().blobs().open(m.envelope().blob())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The server's own SRS, from its secrets file: to read what it wrote, and to sign as it would at another time. */
    static Srs srsAt(Instant when) throws IOException {
        return new Srs(SRS_DOMAIN, SrsSecrets.load(server.dataDir().resolve("srs-secrets")), 21,
                Clock.fixed(when, ZoneOffset.UTC));
    }

    @Test
    void anAliasForwardingOutwardQueuesTheCopyWithAnSrsSenderAndDeliveredTo() throws Exception {
        String target = "someone" + SEQ.incrementAndGet() + "@elsewhere.example";
        String alias = alias(target);
        try (LineClient c = mta(server)) {
            transaction(c, "alice@orig.example", alias, message("srs", ""));
            expect(c, "250 2.0.0");
        }
        QueuedMessage m = queuedFor(target);
        String sender = m.envelope().sender();
        assertTrue(sender.matches("SRS0=[A-Z2-7]{6}=[A-Z2-7]{2}=orig\\.example=alice@mail\\.example\\.test"), sender);
        assertEquals(new SrsReversal.Valid("alice@orig.example"), srsAt(Instant.now()).reverse(sender));
        String text = bytes(m);
        assertTrue(text.startsWith("Delivered-To: " + alias + "\r\n"), text);
        assertTrue(text.endsWith(message("srs", "")), "the message itself as sent: " + text);
    }

    @Test
    void theNullSenderAndSendersOfOurOwnDomainsAreKept() throws Exception {
        String target = "t" + SEQ.incrementAndGet() + "@elsewhere.example";
        String alias = alias(target);
        String user = server.newUser("own");
        try (LineClient c = mta(server)) {
            transaction(c, "", alias, message("bounce through", ""));
            expect(c, "250 2.0.0");
            transaction(c, user, alias, message("from us", ""));
            expect(c, "250 2.0.0");
        }
        List<String> senders = server.server().store().queue().list(0, 100_000).stream()
                .filter(m -> m.recipients().stream().anyMatch(r -> r.address().equals(target)))
                .map(m -> m.envelope().sender()).toList();
        assertEquals(List.of("", user), senders, "our SPF already covers our own domains; a bounce is never answered");
    }

    @Test
    void anAccountThatForwardsSendsOnAndKeepsACopyOrNot() throws Exception {
        String keeper = server.newUser("keeper");
        String leaver = server.newUser("leaver");
        server.server().directory().setForwarding(keeper, "keeper@elsewhere.example", true);
        server.server().directory().setForwarding(leaver, "leaver@elsewhere.example", false);
        try (LineClient c = mta(server)) {
            transaction(c, "alice@orig.example", keeper, message("keep", ""));
            expect(c, "250 2.0.0");
            transaction(c, "alice@orig.example", leaver, message("leave", ""));
            expect(c, "250 2.0.0");
        }
        assertEquals(1, server.inbox(keeper).size());
        assertTrue(server.inbox(leaver).isEmpty(), "no copy kept");
        for (String who : List.of("keeper", "leaver")) {
            QueuedMessage m = queuedFor(who + "@elsewhere.example");
            assertTrue(m.envelope().sender().startsWith("SRS0="), m.envelope().sender());
            assertTrue(bytes(m).startsWith("Delivered-To: " + (who.equals("keeper") ? keeper : leaver) + "\r\n"));
        }
    }

    @Test
    void aBounceToOurSrsAddressGoesOnToTheOriginalSenderWhateverTheCase() throws Exception {
        String original = "bob" + SEQ.incrementAndGet() + "@orig.example";
        String srs = srsAt(Instant.now()).forward(original);
        try (LineClient c = mta(server)) {
            transaction(c, "", srs.toLowerCase(Locale.ROOT), "From: MAILER-DAEMON@elsewhere.example\r\nSubject: failure\r\n\r\nbounced\r\n");
            expect(c, "250 2.0.0");
        }
        QueuedMessage m = queuedFor(original);
        assertEquals("", m.envelope().sender(), "a bounce stays a bounce");
        assertTrue(bytes(m).endsWith("Subject: failure\r\n\r\nbounced\r\n"));
    }

    @Test
    void forgedAndExpiredSrsAddressesAreRefusedAtRcpt() throws Exception {
        String good = srsAt(Instant.now()).forward("carol@orig.example");
        String forged = good.replace("=carol@", "=mallory@");
        String expired = srsAt(Instant.now().minus(Duration.ofDays(30))).forward("carol@orig.example");
        try (LineClient c = mta(server)) {
            c.send("MAIL FROM:<>");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<" + forged + ">");
            assertTrue(expect(c, "550 5.7.1 ").contains("not a valid SRS address"));
            c.send("RCPT TO:<SRS0=AAAAAA=AA=orig.example@" + SRS_DOMAIN + ">");
            expect(c, "550 5.7.1 ");
            c.send("RCPT TO:<" + expired + ">");
            assertTrue(expect(c, "550 5.7.1 ").contains("expired"));
            c.send("RCPT TO:<" + good + ">");
            expect(c, "250 2.1.5");
        }
    }

    @Test
    void aMessageThatWasForwardedForTheSameAddressBeforeIsALoop() throws Exception {
        String target = "loop" + SEQ.incrementAndGet() + "@elsewhere.example";
        String alias = alias(target);
        try (LineClient c = mta(server)) {
            transaction(c, "alice@orig.example", alias, message("again", "Delivered-To: " + alias.toUpperCase(Locale.ROOT) + "\r\n"));
            assertTrue(expect(c, "550 5.4.6 ").contains("forwarded for " + alias + " before"));
            transaction(c, "alice@orig.example", alias, message("x-loop", "X-Loop: <" + alias + ">\r\n"));
            expect(c, "550 5.4.6 ");
            transaction(c, "alice@orig.example", alias, message("hops", "Received: from x by y; now\r\n".repeat(51)));
            assertTrue(expect(c, "550 5.4.6 ").contains("51 servers"));
            transaction(c, "alice@orig.example", alias, message("fine", "Received: from x by y; now\r\n".repeat(50)
                    + "Delivered-To: someone-else@example.test\r\n"));
            expect(c, "250 2.0.0");
        }
        assertEquals(1, server.server().store().queue().list(0, 100_000).stream()
                .filter(m -> m.recipients().stream().anyMatch(r -> r.address().equals(target))).count(), "only the last one left");
    }

    @Test
    void aLoopingForwardNextToALocalRecipientIsReportedWhileTheLocalCopyIsStored() throws Exception {
        String target = "loop" + SEQ.incrementAndGet() + "@elsewhere.example";
        String alias = alias(target);
        String local = server.newUser("local");
        try (LineClient c = mta(server)) {
            c.send("MAIL FROM:<alice@orig.example>");
            expect(c, "250 ");
            c.send("RCPT TO:<" + alias + ">");
            expect(c, "250 ");
            c.send("RCPT TO:<" + local + ">");
            expect(c, "250 ");
            c.send("DATA");
            expect(c, "354");
            c.sendRaw(message("mixed", "Delivered-To: " + alias + "\r\n") + ".\r\n");
            expect(c, "250 2.0.0");
        }
        assertEquals(1, server.inbox(local).size());
        QueuedMessage report = queuedFor(alias);
        assertEquals("alice@orig.example", report.envelope().sender(), "the failure goes to the sender, as a report");
        QueuedMessage.Recipient r = report.recipients().getFirst();
        assertEquals(QueuedMessage.State.FAILED, r.state());
        assertTrue(r.lastError().orElseThrow().startsWith("550 5.4.6 mail forwarding loop"), r.lastError().orElseThrow());
        assertFalse(server.server().store().queue().list(0, 100_000).stream()
                .anyMatch(m -> m.recipients().stream().anyMatch(x -> x.address().equals(target))), "nothing forwarded");
    }

    @Test
    void submittedMailToAnOutsideAddressAndAForwardingAliasLeavesAsTwoEntriesEachWithItsCopy() throws Exception {
        String user = server.newUser("sub");
        String target = "t" + SEQ.incrementAndGet() + "@elsewhere.example";
        String alias = alias(target);
        String direct = "direct" + SEQ.incrementAndGet() + "@other.example";
        try (LineClient c = submission(server, user)) {
            c.send("MAIL FROM:<" + user + ">");
            expect(c, "250 ");
            c.send("RCPT TO:<" + direct + ">");
            expect(c, "250 ");
            c.send("RCPT TO:<" + alias + ">");
            expect(c, "250 ");
            c.send("DATA");
            expect(c, "354");
            c.sendRaw("Subject: both\r\nDate: Sun, 6 Dec 2026 00:00:00 +0000\r\nMessage-ID: <both@x>\r\n\r\nhi\r\n.\r\n");
            expect(c, "250 2.0.0");
        }
        QueuedMessage relayed = queuedFor(direct);
        QueuedMessage forwarded = queuedFor(target);
        assertTrue(relayed.id() != forwarded.id());
        assertEquals(user, relayed.envelope().sender());
        assertEquals(user, forwarded.envelope().sender(), "our own user's address needs no SRS");
        assertFalse(bytes(relayed).contains("Delivered-To:"), "the alias is not told to the direct recipient");
        assertTrue(bytes(forwarded).startsWith("Delivered-To: " + alias + "\r\n"));
    }
}
