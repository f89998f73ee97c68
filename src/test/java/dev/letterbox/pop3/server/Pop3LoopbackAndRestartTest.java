package dev.letterbox.pop3.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The loopback exception for plaintext logins, and deletions surviving a restart of the server. */
class Pop3LoopbackAndRestartTest {
    @RegisterExtension
    static final TestServer server = new TestServer("[pop3]\nplaintext_auth_on_loopback = true\n");

    @Test
    void loopbackMayLogInWithoutTlsWhenConfigured() throws Exception {
        String user = server.newUser("loop");
        try (LineClient c = server.connect("pop3")) {
            c.expectPrefix("+OK");
            c.send("CAPA").expectPrefix("+OK");
            List<String> caps = c.readUntil(".");
            assertTrue(caps.contains("USER") && caps.contains("STLS"), caps.toString());
            c.send("USER " + user).expectPrefix("+OK");
            c.send("PASS " + TestServer.PASSWORD).expectPrefix("+OK Logged in");
            c.send("QUIT").expectPrefix("+OK");
        }
    }

    @Test
    void deletionsAtQuitSurviveARestart() throws Exception {
        String user = server.newUser("restart");
        for (int i = 1; i <= 3; i++) server.deliver(user, "Subject: " + i + "\r\n\r\nbody " + i + "\r\n");
        List<String> before;
        try (LineClient c = server.connect("pop3")) {
            c.expectPrefix("+OK");
            c.send("USER " + user).expectPrefix("+OK");
            c.send("PASS " + TestServer.PASSWORD).expectPrefix("+OK");
            c.send("UIDL").expectPrefix("+OK");
            before = c.readUntil(".");
            c.send("DELE 2").expectPrefix("+OK");
            c.send("QUIT").expect("+OK bye, 1 messages deleted");
        }
        server.stopKeepingData();
        server.start();
        try (LineClient c = server.connect("pop3")) {
            c.expectPrefix("+OK");
            c.send("USER " + user).expectPrefix("+OK");
            c.send("PASS " + TestServer.PASSWORD).expectPrefix("+OK");
            c.send("UIDL").expectPrefix("+OK");
            List<String> after = c.readUntil(".");
            assertEquals(List.of("1 " + before.get(0).substring(2), "2 " + before.get(2).substring(2)), after,
                    "message 2 is gone for good; the others keep their unique ids");
            c.send("RETR 2").expectPrefix("+OK");
            assertEquals(List.of("Subject: 3", "", "body 3"), c.readUntil("."));
        }
    }
}
