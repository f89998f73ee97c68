package dev.letterbox.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.smtp.client.SmtpClient;
import dev.letterbox.store.QueuedMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Sending mail into a {@link TestServer} the way a user does, and looking at its queue. */
public final class Mail {
    private Mail() {}

    /** A small message from {@code from} to {@code to} with the given subject. */
    public static String message(String from, String to, String subject) {
        return "From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: " + subject
                + "\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" + subject.replace(' ', '.') + "@test>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHello,\r\n\r\nthis is " + subject + ".\r\n";
    }

    /**
     * One message over port 25 as a client from the Internet would send it: EHLO, MAIL FROM, RCPT TO,
     * DATA with {@code data} (whole lines, CRLF-ended; the final "." is added). Returns the server's
     * reply to the end of DATA.
     */
    public static String sendOverPort25(TestServer server, String from, String to, String data) throws java.io.IOException {
        return sendOverPort25(server, "client.example.org", from, to, data);
    }

    /** {@link #sendOverPort25(TestServer, String, String, String)}, introduced with {@code EHLO helo}. */
    public static String sendOverPort25(TestServer server, String helo, String from, String to, String data)
            throws java.io.IOException {
        try (LineClient c = server.connect("smtp")) {
            c.expectPrefix("220 ");
            c.send("EHLO " + helo);
            String line;
            do {
                line = c.readLine();
            } while (line != null && !line.startsWith("250 "));
            c.send("MAIL FROM:<" + from + ">");
            c.expectPrefix("250 ");
            c.send("RCPT TO:<" + to + ">");
            c.expectPrefix("250 ");
            c.send("DATA");
            c.expectPrefix("354 ");
            c.sendRaw(data + ".\r\n");
            return c.readLine();
        }
    }

    /**
     * Submits over port 465 as {@code user} (password {@link TestServer#PASSWORD}); the message must be
     * accepted and queued. Returns its queue id.
     */
    public static long submit(TestServer server, String user, SmtpClient.Envelope envelope, String message) throws Exception {
        try (SmtpClient c = SmtpClient.connectTls("127.0.0.1", server.port("submissions"), server.clientTls(), null,
                Duration.ofSeconds(10))) {
            assertEquals(220, c.greeting().code());
            assertTrue(c.ehlo("client.example.org").isPositive());
            assertEquals(235, c.authPlain(user, TestServer.PASSWORD).code());
            SmtpClient.Result r = c.send(envelope, message.getBytes(StandardCharsets.UTF_8));
            assertTrue(r.accepted(), "not accepted: " + r);
            String text = r.data().orElseThrow().text();
            assertTrue(text.contains("queued as "), text);
            c.quit();
            return Long.parseLong(text.replaceAll(".*queued as (\\d+).*", "$1"));
        }
    }

    public static long submit(TestServer server, String user, String to, String subject) throws Exception {
        return submit(server, user, SmtpClient.Envelope.of(user, to), message(user, to, subject));
    }

    /** The queued message, while it is queued. */
    public static Optional<QueuedMessage> queued(TestServer server, long id) {
        return server.server().store().queue().message(id);
    }

    /** Waits until the message has left the queue (delivered, or failed and reported). */
    public static void awaitGone(TestServer server, long id) {
        Eventually.until(Duration.ofSeconds(30), "queued message " + id + " to leave the queue", () -> queued(server, id).isEmpty());
    }

    /** Waits until {@code address} has {@code n} messages in its INBOX and returns them. */
    public static List<String> awaitInbox(TestServer server, String address, int n) {
        return Eventually.await(Duration.ofSeconds(30), n + " message(s) in " + address + "'s INBOX", () -> {
            try {
                List<String> inbox = server.inbox(address);
                return inbox.size() >= n ? Optional.of(inbox) : Optional.empty();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Waits for a recipient of a queued message to match. */
    public static QueuedMessage.Recipient awaitRecipient(TestServer server, long id, String what,
                                                         java.util.function.Predicate<QueuedMessage.Recipient> test) {
        return Eventually.await(Duration.ofSeconds(30), what, () -> queued(server, id)
                .flatMap(m -> m.recipients().stream().filter(test).findFirst()));
    }
}
