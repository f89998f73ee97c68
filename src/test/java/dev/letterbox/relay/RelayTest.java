package dev.letterbox.relay;

import static dev.letterbox.testing.Mail.awaitGone;
import static dev.letterbox.testing.Mail.awaitInbox;
import static dev.letterbox.testing.Mail.awaitRecipient;
import static dev.letterbox.testing.Mail.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.dkim.DkimAlgorithm;
import dev.letterbox.dkim.DkimKey;
import dev.letterbox.dkim.DkimKeyStore;
import dev.letterbox.smtp.client.SmtpClient;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.testing.Dsn;
import dev.letterbox.testing.Eventually;
import dev.letterbox.testing.Mail;
import dev.letterbox.testing.PythonDkim;
import dev.letterbox.testing.TestDnsServer;
import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound delivery between two real Letterbox instances on loopback, routed by a DNS server of the
 * test's own: example.test (the sender, relaying) and other.test (the receiver, whose MX is
 * mail.other.test on 127.0.0.1). Every check is on what arrives in a mailbox or what the queue holds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayTest {
    static TestDnsServer dns;
    static TestServer other;
    static TestServer sender;
    static DkimKey rsa;
    static DkimKey ed25519;

    @TempDir
    static Path temp;

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDnsServer();
        other = new TestServer("other.test", "").samePortsOnRestart();
        other.start();
        dns.mx("other.test", 10, "mail.other.test").a("mail.other.test", "127.0.0.1");
        dns.mx("nomail.test", 0, ".");
        sender = new TestServer("example.test", "[dns]\nservers = [\"" + dns.address() + "\"]\n"
                + "[delivery]\nremote_port = " + other.port("smtp") + "\nretry_intervals = [\"1s\"]\n");
        sender.start();
        DkimKeyStore keys = new DkimKeyStore(sender.dataDir());
        rsa = keys.generate("example.test", "r2026", DkimAlgorithm.RSA_SHA256);
        ed25519 = keys.generate("example.test", "e2026", DkimAlgorithm.ED25519_SHA256);
    }

    @AfterAll
    static void stop() {
        if (sender != null) sender.stop();
        if (other != null) other.stop();
        if (dns != null) dns.close();
    }

    @Test
    void submittedMailArrivesAtTheOtherServerSignedWithDkim() throws Exception {
        String alice = sender.newUser("alice");
        String bob = other.newUser("bob");
        String message = Mail.message(alice, bob, "end to end");
        var env = new SmtpClient.Envelope(alice, "ENVID=e2e", List.of(bob), "NOTIFY=SUCCESS,FAILURE");
        long id = submit(sender, alice, env, message);
        String got = awaitInbox(other, bob, 1).getFirst();
        awaitGone(sender, id);

        assertTrue(got.startsWith("Return-Path: <" + alice + ">\r\nReceived: from " + sender.hostname()), got);
        assertTrue(got.endsWith("\r\n" + message), "the body and header arrive unchanged: " + got);
        assertEquals(2, got.split("DKIM-Signature: ", -1).length - 1, "one signature per key: " + got);
        assertTrue(got.contains(" d=example.test; s=e2026;") && got.contains(" d=example.test; s=r2026;"), got);

        // other.test offered DSN, so NOTIFY=SUCCESS travelled on and the success report is its business
        assertTrue(sender.inbox(alice).isEmpty(), "no report from us: " + sender.inbox(alice));
        assertTrue(sender.server().store().queue().list(0, 1000).stream().noneMatch(m -> m.envelope().sender().isEmpty()),
                "no report queued");
        assertTrue(sender.server().metrics().scrape().contains("letterbox_messages_delivered_total{where=\"remote\"}"));

        // last, so that without python3-dkim (locally) only this is skipped, never the checks above
        PythonDkim.assumeAvailable();
        assertEquals(List.of(true, true), PythonDkim.verify(temp, got.getBytes(StandardCharsets.UTF_8),
                        Map.of(ed25519.recordName(), ed25519.recordValue(), rsa.recordName(), rsa.recordValue())),
                "python3-dkim verifies both signatures (Ed25519, then RSA)");
    }

    @Test
    void aLocalRecipientThatAskedForSuccessIsReportedDelivered() throws Exception {
        String alice = sender.newUser("alice");
        String carol = sender.newUser("carol");
        var env = new SmtpClient.Envelope(alice, "", List.of(new SmtpClient.Rcpt(carol, "NOTIFY=SUCCESS ORCPT=rfc822;" + carol)));
        long id = submit(sender, alice, env, Mail.message(alice, carol, "local success"));
        assertEquals(1, sender.inbox(carol).size(), "stored before the 250");
        Dsn dsn = Dsn.parse(awaitInbox(sender, alice, 1).getFirst());
        assertEquals("Successful Mail Delivery Report", dsn.subject());
        assertTrue(dsn.status().contains("Final-Recipient: rfc822; " + carol + "\r\nOriginal-Recipient: rfc822;" + carol
                + "\r\nAction: delivered\r\nStatus: 2.0.0\r\n"), dsn.status());
        awaitGone(sender, id);
    }

    @Test
    void anUnknownRemoteUserBouncesIntoTheSendersInbox() throws Exception {
        String alice = sender.newUser("alice");
        String nobody = "nobody-here@other.test";
        long id = submit(sender, alice, nobody, "to nobody");
        String report = awaitInbox(sender, alice, 1).getFirst();
        awaitGone(sender, id);
        assertTrue(report.startsWith("Return-Path: <>\r\n"), "a report comes from the null sender: " + report);
        Dsn dsn = Dsn.parse(report);
        assertEquals("Undelivered Mail Returned to Sender", dsn.subject());
        assertTrue(dsn.human().contains("<" + nobody + "> (server mail.other.test)"), dsn.human());
        assertTrue(dsn.status().startsWith("Reporting-MTA: dns; " + sender.hostname() + "\r\n"), dsn.status());
        assertTrue(dsn.status().contains("\r\n\r\nFinal-Recipient: rfc822; " + nobody + "\r\nAction: failed\r\nStatus: 5.1.1\r\n"
                + "Remote-MTA: dns; mail.other.test\r\nDiagnostic-Code: smtp; 550 5.1.1 "), dsn.status());
        assertEquals("text/rfc822-headers", dsn.returnedType());
        assertTrue(dsn.returned().contains("Subject: to nobody\r\n") && !dsn.returned().contains("this is to nobody"),
                "the original header, not the body: " + dsn.returned());
        awaitNoReportQueued(sender); // a second report would be queued with the first; once none waits, all arrived
        assertEquals(1, sender.inbox(alice).size(), "exactly one report");
    }

    /**
     * First, while no connection of the sender's is open to other.test: a server stopping waits a
     * grace period for open sessions, and the sender keeps idle ones for its next message.
     */
    @Test
    @Order(1)
    void aRemoteServerThatIsDownGetsTheMessageWhenItComesBack() throws Exception {
        String alice = sender.newUser("alice");
        String bob = other.newUser("bob");
        other.stopKeepingData();
        long id;
        try {
            id = submit(sender, alice, bob, "while you were down");
            QueuedMessage.Recipient r = awaitRecipient(sender, id, "a failed attempt",
                    x -> x.state() == QueuedMessage.State.DEFERRED && x.attempts() >= 1);
            assertTrue(r.lastError().orElseThrow().startsWith("451 4.4.2 connection to mail.other.test [127.0.0.1]:"),
                    r.lastError().orElseThrow());
        } finally {
            other.start();
        }
        assertTrue(awaitInbox(other, bob, 1).getFirst().contains("Subject: while you were down\r\n"));
        awaitGone(sender, id);
        assertTrue(sender.inbox(alice).isEmpty(), "a deferral is not a bounce");
    }

    @Test
    void aTemporaryRefusalIsRetriedUntilItIsAccepted() throws Exception {
        String alice = sender.newUser("alice");
        String bob = other.newUser("bob");
        other.server().directory().setQuota(bob, 10); // other.test answers RCPT with 452 4.2.2 while bob is over quota
        long id = submit(sender, alice, bob, "try again");
        QueuedMessage.Recipient r = awaitRecipient(sender, id, "a 452 from other.test",
                x -> x.lastError().orElse("").startsWith("452 4.2.2"));
        assertEquals(QueuedMessage.State.DEFERRED, r.state());
        assertEquals("mail.other.test", r.remoteMta().orElseThrow());
        other.server().directory().setQuota(bob, 0);
        assertTrue(awaitInbox(other, bob, 1).getFirst().contains("Subject: try again\r\n"));
        awaitGone(sender, id);
    }

    @Test
    void aLocalCopyOverQuotaIsBouncedToTheRemoteSenderOnce() throws Exception {
        // mail from other.test to two of our users, one of them full: the other gets it, and the
        // sender at other.test gets a report about the full one, through the relay
        String bob = other.newUser("bob");
        String full = sender.newUser("full");
        String fine = sender.newUser("fine");
        sender.server().directory().setQuota(full, 100);
        try (SmtpClient c = SmtpClient.connect("127.0.0.1", sender.port("smtp"), java.time.Duration.ofSeconds(10))) {
            c.greeting();
            c.ehlo(other.hostname());
            SmtpClient.Result r = c.send(new SmtpClient.Envelope(bob, "", List.of(full, fine), ""),
                    ("Subject: for both\r\n\r\n" + "y".repeat(500) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            assertTrue(r.accepted(), r.toString());
        }
        assertEquals(1, sender.inbox(fine).size());
        String report = awaitInbox(other, bob, 1).getFirst();
        assertTrue(report.startsWith("Return-Path: <>\r\n"), report);
        Dsn dsn = Dsn.parse(report);
        assertTrue(dsn.status().contains("Final-Recipient: rfc822; " + full + "\r\nAction: failed\r\nStatus: 5.2.2\r\n"), dsn.status());
        assertFalse(dsn.status().contains(fine), "only the full one is reported");
        awaitNoReportQueued(sender);
        assertEquals(1, other.inbox(bob).size(), "exactly one report");
        assertTrue(sender.server().store().queue().list(0, 10_000).stream()
                .noneMatch(m -> m.recipients().stream().anyMatch(x -> x.address().equals(full))), "and it left the queue");
    }

    /**
     * Waits until {@code server}'s queue holds no delivery report (a message from the null sender).
     * A report is queued in the same write that marks what it reports, so once the reported message
     * has left the queue every report about it is queued; once none is left, each has been delivered.
     */
    private static void awaitNoReportQueued(TestServer server) {
        Eventually.until(Duration.ofSeconds(30), "the delivery reports to leave the queue", () -> server.server().store().queue()
                .list(0, 10_000).stream().noneMatch(m -> m.envelope().sender().isEmpty()));
    }

    @Test
    void aNullMxDomainFailsAtOnceWithoutAConnection() throws Exception {
        String alice = sender.newUser("alice");
        long id = submit(sender, alice, "someone@nomail.test", "no mail here");
        Dsn dsn = Dsn.parse(awaitInbox(sender, alice, 1).getFirst());
        assertTrue(dsn.status().contains("Final-Recipient: rfc822; someone@nomail.test\r\nAction: failed\r\nStatus: 5.1.10\r\n"),
                dsn.status());
        assertFalse(dsn.status().contains("Remote-MTA"), "no server was asked: " + dsn.status());
        assertTrue(dsn.human().contains("null MX"), dsn.human());
        awaitGone(sender, id);
    }

    @Test
    void aBounceFromTheNullSenderIsNeverBouncedAgain() throws Exception {
        // mail from <> (a report) to an unknown remote user: it fails, and nothing is sent anywhere about it
        var store = sender.server().store();
        byte[] report = "Subject: a report\r\n\r\nreport\r\n".getBytes(StandardCharsets.US_ASCII);
        dev.letterbox.store.BlobId blob;
        try (var writer = store.blobs().create()) {
            writer.stream().write(report);
            blob = writer.commit();
        }
        long id = sender.server().queue().enqueue(new QueuedMessage.Envelope("", blob, report.length, java.time.Instant.now(),
                QueuedMessage.Body.SEVEN_BIT, false, java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.OptionalLong.empty()), List.of(QueuedMessage.NewRecipient.pending("ghost@other.test",
                java.util.Optional.empty(), java.util.Optional.empty())), "test");
        awaitGone(sender, id);
        assertTrue(store.queue().list(0, 10_000).stream().noneMatch(m -> m.id() > id && m.envelope().sender().isEmpty()),
                "no report about a report");
    }
}
