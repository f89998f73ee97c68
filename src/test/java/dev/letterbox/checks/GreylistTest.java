package dev.letterbox.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.Eventually;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Greylisting over real port-25 sessions: a new (client network, sender, recipient) triplet is
 * deferred with 451 4.7.1, a retry before the delay still is, one after it is taken, and a known
 * triplet is taken at once from then on.
 */
@Timeout(60)
class GreylistTest {
    @RegisterExtension
    static final TestServer server = new TestServer("[antispam]\nsender_checks = false\ngreylisting = true\n"
            + "greylist_delay = \"2s\"\n");

    private static String send(String from, String to) throws Exception {
        try (LineClient c = server.connect("smtp")) {
            c.expectPrefix("220 ");
            c.send("HELO mx.example.org");
            c.expectPrefix("250 ");
            c.send("MAIL FROM:<" + from + ">");
            c.expectPrefix("250 ");
            c.send("RCPT TO:<" + to + ">");
            c.expectPrefix("250 ");
            c.send("DATA");
            c.expectPrefix("354 ");
            c.sendRaw("Subject: hello\r\n\r\nhi\r\n.\r\n");
            return c.readLine();
        }
    }

    @Test
    void aNewTripletWaitsItsDelayThenPasses() throws Exception {
        String user = server.newUser("grey");
        String first = send("alice@example.org", user);
        assertTrue(first.startsWith("451 4.7.1 greylisted"), first);
        assertTrue(send("alice@example.org", user).startsWith("451 4.7.1 "), "a retry within the delay");
        Eventually.until(Duration.ofSeconds(10), "accepted after the delay",
                () -> {
                    try {
                        return send("alice@example.org", user).startsWith("250 ");
                    } catch (Exception e) {
                        return false;
                    }
                });
        assertTrue(send("alice@example.org", user).startsWith("250 "), "known from now on");
        assertTrue(send("bob@example.org", user).startsWith("451 "), "another sender is a new triplet");
        assertEquals(2, server.inbox(user).size());
    }
}
