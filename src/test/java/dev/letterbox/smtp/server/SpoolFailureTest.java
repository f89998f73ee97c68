package dev.letterbox.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.StoredState;
import dev.letterbox.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A message too big for memory waits in the blob store's scratch space; when that cannot be written
 * (here: its directory is gone, replaced by a file, as a real filesystem would refuse) the client
 * still gets an answer — 451 after the whole message was read — and the session goes on.
 */
@Timeout(60)
class SpoolFailureTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @Test
    void aSpoolThatCannotBeWrittenAnswers451AndTheSessionGoesOn() throws Exception {
        String user = server.newUser("spool");
        Path tmp = server.dataDir().resolve("blobs").resolve("tmp");
        Path aside = server.dataDir().resolve("blobs").resolve("tmp-aside");
        StringBuilder body = new StringBuilder();
        while (body.length() < 600_000) body.append("a line of a message that is too big to stay in memory\r\n");
        try (LineClient c = server.connect("smtp")) {
            c.expectPrefix("220 ");
            c.send("HELO client.example.org");
            c.expectPrefix("250 ");
            StoredState before = StoredState.of(server);
            Files.move(tmp, aside);
            Files.writeString(tmp, "not a directory");
            try {
                c.send("MAIL FROM:<a@example.org>");
                c.expectPrefix("250 ");
                c.send("RCPT TO:<" + user + ">");
                c.expectPrefix("250 ");
                c.send("DATA");
                c.expectPrefix("354 ");
                c.sendRaw("Subject: big\r\n\r\n" + body + ".\r\n");
                String reply = c.readLine();
                assertTrue(reply.startsWith("451 4.3.0 "), reply);
            } finally {
                Files.delete(tmp);
                Files.move(aside, tmp);
            }
            c.send("NOOP");
            c.expectPrefix("250 ");
            assertEquals(before.messages(), StoredState.of(server).messages(), "nothing stored");
            c.send("MAIL FROM:<a@example.org>");
            c.expectPrefix("250 ");
            c.send("RCPT TO:<" + user + ">");
            c.expectPrefix("250 ");
            c.send("DATA");
            c.expectPrefix("354 ");
            c.sendRaw("Subject: big again\r\n\r\n" + body + ".\r\n");
            c.expectPrefix("250 ");
        }
        assertEquals(1, server.inbox(user).size());
    }
}
