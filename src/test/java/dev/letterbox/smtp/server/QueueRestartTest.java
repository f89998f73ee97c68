package dev.letterbox.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.smtp.client.SmtpClient;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A message queued for a remote recipient is still queued, bytes and all, after the server restarts. */
class QueueRestartTest {
    @Test
    void queuedMessageSurvivesARestart() throws Exception {
        TestServer server = new TestServer();
        server.start();
        try {
            String user = server.newUser("restart");
            byte[] body = "Subject: later\r\n\r\nsee you after the restart\r\n".getBytes(StandardCharsets.US_ASCII);
            try (SmtpClient c = SmtpClient.connectTls("127.0.0.1", server.port("submissions"), server.clientTls(), null,
                    Duration.ofSeconds(10))) {
                c.greeting();
                c.ehlo("client.example.org");
                assertEquals(235, c.authPlain(user, TestServer.PASSWORD).code());
                var env = new SmtpClient.Envelope(user, "", List.of("far@example.org"), "NOTIFY=NEVER");
                assertTrue(c.send(env, body).accepted());
            }
            server.stopKeepingData();
            server.start();
            List<QueuedMessage> queued = server.server().store().queue().list(0, 10);
            assertEquals(1, queued.size());
            QueuedMessage q = queued.get(0);
            assertEquals(user, q.envelope().sender());
            assertEquals("far@example.org", q.recipients().get(0).address());
            assertEquals(QueuedMessage.State.PENDING, q.recipients().get(0).state());
            String stored;
            try (var in = server.server().store().blobs().open(q.envelope().blob())) {
                stored = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
            assertTrue(stored.endsWith("\r\n" + new String(body, StandardCharsets.US_ASCII)), stored);
            assertEquals(q.envelope().size(), stored.length());
        } finally {
            server.stop();
        }
    }
}
