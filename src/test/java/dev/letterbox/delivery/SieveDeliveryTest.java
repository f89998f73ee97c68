package dev.letterbox.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.smtp.client.SmtpClient;
import dev.letterbox.testing.Mail;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sieve scripts at delivery, over SMTP on port 25 as mail from the Internet arrives: each action
 * does what the RFCs say to the stored copies, the queue and the SMTP answer.
 */
class SieveDeliveryTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private static final String MESSAGE = "From: Carol <carol@example.com>\r\nTo: %s\r\nSubject: %s\r\n"
            + "Message-ID: <%s@example.com>\r\n\r\nHello there.\r\n";

    private static String userWithScript(String script) {
        String user = server.newUser("sieve");
        long account = server.account(user).id();
        MailStore store = server.server().store();
        store.sieveScripts().put(account, "main", script, 10);
        store.sieveScripts().setActive(account, Optional.of("main"));
        return user;
    }

    /** Sends over port 25; returns the reply to the end of DATA. */
    private static String send(String to, String subject) throws IOException {
        return send(to, subject, "");
    }

    /** Sends over port 25 with {@code extraFields} (complete lines) on top; returns the reply to the end of DATA. */
    private static String send(String to, String subject, String extraFields) throws IOException {
        return Mail.sendOverPort25(server, "carol@example.com", to, extraFields + String.format(MESSAGE, to, subject, System.nanoTime()));
    }

    private static List<MessageMeta> messages(String user, String mailbox) {
        long account = server.account(user).id();
        return server.server().store().read(account, tx -> tx.mailbox(mailbox)
                .map(m -> tx.messages(m.id(), 1, Long.MAX_VALUE, 100)).orElse(List.of()));
    }

    private static String text(MessageMeta m) throws IOException {
        try (InputStream in = server.server().store().blobs().open(m.blob())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long lastQueueId() {
        List<QueuedMessage> all = server.server().store().queue().list(0, 100_000);
        return all.isEmpty() ? 0 : all.getLast().id();
    }

    private static List<QueuedMessage> queuedSince(long id) {
        return new ArrayList<>(server.server().store().queue().list(id, 1000));
    }

    @Test
    void fileintoWithCreateAndFlagsAndAnExplicitKeepStoreTwoCopies() throws Exception {
        String user = userWithScript("""
                require ["fileinto", "mailbox", "imap4flags"];
                if header :contains "subject" "report" {
                    fileinto :create :flags ["\\\\Seen", "$Work"] "Reports";
                    keep;
                }
                """);
        assertTrue(send(user, "weekly report").startsWith("250 "));
        List<MessageMeta> reports = messages(user, "Reports");
        assertEquals(1, reports.size(), "filed into the mailbox the script made");
        assertTrue(reports.getFirst().flags().has(Flags.SEEN), reports.getFirst().flags().toString());
        assertEquals(List.of("$Work"), reports.getFirst().flags().keywords());
        assertEquals(1, messages(user, Mailbox.INBOX).size(), "and kept in INBOX");

        assertTrue(send(user, "lunch").startsWith("250 "));
        assertEquals(2, messages(user, Mailbox.INBOX).size(), "no match: the implicit keep");
        assertEquals(1, messages(user, "Reports").size());
    }

    @Test
    void fileintoAMailboxThatDoesNotExistKeepsTheMessageInInbox() throws Exception {
        String user = userWithScript("require \"fileinto\"; fileinto \"Nowhere\";");
        assertTrue(send(user, "x").startsWith("250 "));
        assertEquals(1, messages(user, Mailbox.INBOX).size());
        assertTrue(messages(user, "Nowhere").isEmpty());
    }

    @Test
    void discardStoresNothingAndTheSenderHearsSuccess() throws Exception {
        String user = userWithScript("if header :is \"subject\" \"spam\" { discard; }");
        assertTrue(send(user, "spam").startsWith("250 "));
        assertTrue(messages(user, Mailbox.INBOX).isEmpty());
    }

    @Test
    void rejectRefusesTheMessageWhileTheClientWaits() throws Exception {
        String user = userWithScript("require \"reject\"; reject \"I do not take mail on Sundays\";");
        String reply = send(user, "hello");
        assertTrue(reply.startsWith("550 5.7.1 ") && reply.contains("I do not take mail on Sundays"), reply);
        assertTrue(messages(user, Mailbox.INBOX).isEmpty());
    }

    @Test
    void rejectOfAMessageHandedOverLocallySendsTheSenderAFailureReport() throws Exception {
        String user = userWithScript("require \"reject\"; reject \"Not here\";");
        long before = lastQueueId();
        Recipients recipients = new Recipients();
        recipients.add(user, new RecipientDecision.Accept(List.of(server.account(user)), List.of()), Optional.empty(),
                Optional.empty());
        Outcome outcome = server.server().pipeline().deliver(Envelope.local(Envelope.Origin.LOCAL, "carol@example.com", "test"),
                recipients, new java.io.ByteArrayInputStream(String.format(MESSAGE, user, "x", 1).getBytes(StandardCharsets.UTF_8)),
                false);
        assertTrue(outcome instanceof Outcome.Delivered, outcome.toString());
        assertTrue(messages(user, Mailbox.INBOX).isEmpty());
        List<QueuedMessage> queued = queuedSince(before);
        assertEquals(1, queued.size(), queued.toString());
        QueuedMessage.Recipient r = queued.getFirst().recipients().getFirst();
        assertEquals(QueuedMessage.State.FAILED, r.state());
        assertTrue(r.lastError().orElseThrow().startsWith("550 5.7.1 Not here"), r.toString());
    }

    @Test
    void vacationAnswersOnceWithANullSender() throws Exception {
        String user = userWithScript("""
                require "vacation";
                vacation :days 3 :subject "Away" "Back on Monday.";
                """);
        long before = lastQueueId();
        assertTrue(send(user, "question").startsWith("250 "));
        assertTrue(send(user, "another question").startsWith("250 "));
        assertEquals(2, messages(user, Mailbox.INBOX).size(), "vacation keeps the message");
        List<QueuedMessage> queued = queuedSince(before);
        assertEquals(1, queued.size(), "one answer per sender and period: " + queued);
        assertEquals("", queued.getFirst().envelope().sender());
        assertEquals("carol@example.com", queued.getFirst().recipients().getFirst().address());
        try (InputStream in = server.server().store().blobs().open(queued.getFirst().envelope().blob())) {
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.contains("\r\nSubject: Away\r\n") && answer.contains("Back on Monday."), answer);
            assertTrue(answer.contains("\r\nAuto-Submitted: auto-replied"), answer);
        }
    }

    @Test
    void vacationAnswersMailSentToAnAliasOfTheUser() throws Exception {
        String user = userWithScript("require \"vacation\"; vacation \"Away.\";");
        String alias = "team-" + System.nanoTime() + "@" + server.domain();
        server.server().directory().addAlias(alias, user);
        long before = lastQueueId();
        assertTrue(send(alias, "for the team").startsWith("250 "));
        List<QueuedMessage> queued = queuedSince(before);
        assertEquals(1, queued.size(), "the alias in To: names the user (RFC 5230 §4.5): " + queued);
        try (InputStream in = server.server().store().blobs().open(queued.getFirst().envelope().blob())) {
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("From: " + alias + "\r\n"), "from the address written to: " + answer);
        }
    }

    @Test
    void redirectQueuesTheMessageForTheOtherAddressAndCopyKeepsIt() throws Exception {
        String user = userWithScript("require \"copy\"; redirect :copy \"dave@elsewhere.example\";");
        long before = lastQueueId();
        assertTrue(send(user, "pass it on").startsWith("250 "));
        assertEquals(1, messages(user, Mailbox.INBOX).size(), ":copy keeps it");
        List<QueuedMessage> queued = queuedSince(before);
        assertEquals(1, queued.size(), queued.toString());
        assertEquals("dave@elsewhere.example", queued.getFirst().recipients().getFirst().address());
        try (InputStream in = server.server().store().blobs().open(queued.getFirst().envelope().blob())) {
            String forwarded = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(forwarded.contains("Subject: pass it on"), forwarded);
            assertTrue(!forwarded.startsWith("Return-Path:"), "a forward carries no Return-Path: " + forwarded);
        }
    }

    @Test
    void atMostMaxRedirectsAddressesAndOneMoreMakesTheScriptFailAndKeep() throws Exception {
        StringBuilder four = new StringBuilder();
        for (int i = 1; i <= 4; i++) four.append("redirect \"r").append(i).append("@elsewhere.example\";\n");
        String user = userWithScript(four.toString());
        long before = lastQueueId();
        assertTrue(send(user, "to four").startsWith("250 "));
        List<String> to = queuedSince(before).stream().flatMap(q -> q.recipients().stream()).map(QueuedMessage.Recipient::address)
                .sorted().toList();
        assertEquals(List.of("r1@elsewhere.example", "r2@elsewhere.example", "r3@elsewhere.example", "r4@elsewhere.example"), to);
        assertEquals(0, messages(user, Mailbox.INBOX).size(), "redirect cancels the implicit keep");

        String greedy = userWithScript(four + "redirect \"r5@elsewhere.example\";\n");
        before = lastQueueId();
        assertTrue(send(greedy, "to five").startsWith("250 "));
        assertEquals(List.of(), queuedSince(before), "[sieve] max_redirects is 4: the fifth is a run-time error");
        assertEquals(1, messages(greedy, Mailbox.INBOX).size(), "and a failing script keeps the message");
    }

    /** A redirect that would loop is an action that fails: the implicit keep takes over, nothing is lost or bounced. */
    @Test
    void aRedirectOfAMessageThatWasForwardedForTheUserBeforeIsNotSentAndTheMessageIsKept() throws Exception {
        String user = userWithScript("redirect \"loop@elsewhere.example\";");
        long before = lastQueueId();
        assertTrue(send(user, "again", "Delivered-To: " + user + "\r\n").startsWith("250 "));
        assertEquals(List.of(), queuedSince(before), "neither the looping copy nor a report");
        assertEquals(1, messages(user, Mailbox.INBOX).size());

        String other = userWithScript("redirect \"fine@elsewhere.example\";");
        assertTrue(send(other, "first time", "Delivered-To: " + user + "\r\n").startsWith("250 "));
        assertEquals(1, queuedSince(before).size(), "another account's Delivered-To is no loop for this one");
        assertEquals(0, messages(other, Mailbox.INBOX).size());
    }

    @Test
    void aMessageSubmittedToALocalUserRunsTheirScript() throws Exception {
        String user = userWithScript("require [\"fileinto\", \"mailbox\"]; fileinto :create \"FromColleagues\";");
        String colleague = server.newUser("colleague");
        try (SmtpClient c = SmtpClient.connectTls("127.0.0.1", server.port("submissions"), server.clientTls(), null,
                Duration.ofSeconds(10))) {
            assertEquals(220, c.greeting().code());
            assertTrue(c.ehlo("client.example.org").isPositive());
            assertEquals(235, c.authPlain(colleague, TestServer.PASSWORD).code());
            SmtpClient.Result r = c.send(SmtpClient.Envelope.of(colleague, user),
                    Mail.message(colleague, user, "from next door").getBytes(StandardCharsets.UTF_8));
            assertTrue(r.accepted(), r.toString());
        }
        assertEquals(1, messages(user, "FromColleagues").size());
        assertEquals(0, messages(user, Mailbox.INBOX).size());
    }

    /** RFC 3685 §4.1: with no virus scanner looking at the message, virustest sees "0". */
    @Test
    void virustestSeesZeroWhenNoScannerLooked() throws Exception {
        String user = userWithScript("""
                require ["virustest", "relational", "comparator-i;ascii-numeric", "fileinto", "mailbox"];
                if virustest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto :create "Untested"; }
                """);
        assertTrue(send(user, "not scanned").startsWith("250 "));
        assertEquals(1, messages(user, "Untested").size());
        assertEquals(0, messages(user, Mailbox.INBOX).size());
    }

    @Test
    void editheaderChangesTheStoredCopy() throws Exception {
        String user = userWithScript("""
                require "editheader";
                addheader "X-Filtered" "yes";
                deleteheader "Subject";
                """);
        assertTrue(send(user, "secret subject").startsWith("250 "));
        String stored = text(messages(user, Mailbox.INBOX).getFirst());
        assertTrue(stored.contains("\r\nX-Filtered: yes\r\n") || stored.contains("X-Filtered: yes\r\n"), stored);
        assertTrue(!stored.contains("secret subject"), stored);
        assertTrue(stored.endsWith("\r\n\r\nHello there.\r\n"), "the body as sent: " + stored);
    }

    @Test
    void aScriptThatFailsAtRunTimeKeepsTheMessage() throws Exception {
        // RFC 6609 §3.2: including a script that is not there (without :optional) is a run-time error
        String user = userWithScript("""
                require ["include", "fileinto", "mailbox"];
                fileinto :create "Before";
                include :personal "missing";
                """);
        assertTrue(send(user, "x").startsWith("250 "));
        assertEquals(1, messages(user, Mailbox.INBOX).size(), "the implicit keep, whatever the script did before");
        assertTrue(messages(user, "Before").isEmpty(), "actions before the error are not done");
    }
}
