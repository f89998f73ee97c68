package dev.letterbox.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import org.junit.jupiter.api.Test;

/** A stop does not wait for sessions that merely sit between commands; SMTP says 421, IMAP BYE. */
class ShutdownTest {
    @Test
    void quietSessionsEndAtOnceWithTheProtocolsGoodbye() throws Exception {
        TestServer server = new TestServer();
        server.start();
        String user = server.newUser("idler");
        try (LineClient smtp = server.connect("smtp"); LineClient pop3 = server.connectTls("pop3s");
             LineClient imap = server.connectTls("imaps")) {
            smtp.expectPrefix("220 ");
            smtp.send("EHLO client.example.org");
            String line;
            do {
                line = smtp.readLine();
            } while (line != null && !line.startsWith("250 "));
            pop3.expectPrefix("+OK");
            imap.expectPrefix("* OK");
            imap.send("a LOGIN " + user + " \"" + TestServer.PASSWORD + "\"");
            imap.expectPrefix("a OK");
            imap.send("b SELECT INBOX");
            while (!imap.readLine().startsWith("b OK")) {
                // the SELECT's untagged data
            }
            imap.send("c IDLE");
            imap.expectPrefix("+ ");
            // All three sessions now wait for input; the stop sees them quiet within its first half
            // second (no byte moving), so there is nothing to wait for here.
            long started = System.nanoTime();
            server.stop();
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 3_000, "stop took " + millis + " ms; quiet sessions must not use the 5 s grace");
            assertEquals("421 4.3.2 mail.example.test shutting down, try again later", smtp.readLine());
            assertTrue(smtp.isClosedByServer());
            assertTrue(pop3.isClosedByServer());
            assertEquals("* BYE Letterbox shutting down", imap.readLine());
            assertTrue(imap.isClosedByServer());
        }
    }
}
