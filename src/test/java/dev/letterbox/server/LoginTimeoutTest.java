package dev.letterbox.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connections that never log in are closed after the login timeout, busy or not (issue: 200
 * addresses × 100 silent IMAP connections once waited out the 30-minute idle timeout and ran the
 * process out of file descriptors). Port 25 has no login: starting a mail transaction counts.
 */
@Timeout(60)
class LoginTimeoutTest {
    @RegisterExtension
    static final TestServer server = new TestServer("""
            [imap]
            login_timeout = "3s"
            [pop3]
            login_timeout = "3s"
            [smtp]
            login_timeout = "3s"
            """);

    /** Sends {@code command} every 200 ms, reading its answer, until the server closes; true when it did within 12 s. */
    private static boolean closedWhileBusy(LineClient client, String command) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
        while (System.nanoTime() < deadline) {
            try {
                client.send(command);
                if (client.readLine() == null) return true;
            } catch (IOException e) {
                return true; // reset by the server
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return false;
    }

    @Test
    void imapClientsThatDoNotLogInAreClosedThoseThatDoStay() throws Exception {
        String user = server.newUser("early");
        try (LineClient silent = server.connect("imap"); LineClient busy = server.connectTls("imaps");
             LineClient user1 = server.connectTls("imaps")) {
            user1.expectPrefix("* OK");
            user1.send("a LOGIN " + user + " \"" + TestServer.PASSWORD + "\""); // well within the 3 s, even on a loaded machine
            user1.expectPrefix("a OK");
            silent.expectPrefix("* OK");
            busy.expectPrefix("* OK");
            assertTrue(closedWhileBusy(busy, "n NOOP"), "a client sending NOOPs without logging in stayed");
            assertTrue(silent.isClosedByServer());
            TimeUnit.MILLISECONDS.sleep(300);
            user1.send("b NOOP");
            user1.expectPrefix("b OK"); // well past the login timeout
        }
    }

    @Test
    void pop3ClientsThatDoNotLogInAreClosed() throws Exception {
        try (LineClient busy = server.connectTls("pop3s")) {
            busy.expectPrefix("+OK");
            assertTrue(closedWhileBusy(busy, "NOOP"));
        }
    }

    @Test
    void smtpClientsMustStartAMailTransactionOrLogIn() throws Exception {
        String user = server.newUser("mta");
        try (LineClient idle = server.connect("smtp"); LineClient working = server.connect("smtp")) {
            idle.expectPrefix("220 ");
            working.expectPrefix("220 ");
            working.send("HELO client.example.org");
            working.expectPrefix("250 ");
            working.send("MAIL FROM:<a@example.org>");
            working.expectPrefix("250 ");
            working.send("RCPT TO:<" + user + ">");
            working.expectPrefix("250 ");
            working.send("RSET");
            working.expectPrefix("250 ");
            assertTrue(closedWhileBusy(idle, "NOOP"), "an SMTP client sending only NOOPs stayed");
            working.send("NOOP");
            working.expectPrefix("250 ");
        }
    }
}
