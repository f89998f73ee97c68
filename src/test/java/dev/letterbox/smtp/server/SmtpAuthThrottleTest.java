package dev.letterbox.smtp.server;

import static dev.letterbox.smtp.server.SmtpTesting.expect;
import static dev.letterbox.smtp.server.SmtpTesting.plain;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Repeated AUTH failures from one address: slowed down, then refused for a while, even with the right password. */
class SmtpAuthThrottleTest {
    @RegisterExtension
    static final TestServer server = new TestServer("""
            [auth]
            failures_before_delay = 1
            failures_before_block = 3
            block_time = "1m"
            [smtp]
            max_errors = 50
            """);

    @Test
    void failuresAreSlowedThenBlocked() throws Exception {
        String user = server.newUser("throttle");
        try (LineClient c = server.connectTls("submissions")) {
            expect(c, "220 ");
            c.send("EHLO client.example.org");
            expect(c, "250 ");
            long started = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                c.send("AUTH PLAIN " + plain(user, "wrong-" + i));
                expect(c, "535 5.7.8");
            }
            assertTrue(System.nanoTime() - started > 500_000_000L, "later failures are answered slowly");
            c.send("AUTH PLAIN " + plain(user, TestServer.PASSWORD));
            expect(c, "421 4.7.0");
            assertTrue(c.isClosedByServer());
        }
    }
}
