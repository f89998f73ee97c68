package dev.letterbox.smtp.server;

import static dev.letterbox.smtp.server.SmtpTesting.expect;
import static dev.letterbox.smtp.server.SmtpTesting.inboxText;
import static dev.letterbox.smtp.server.SmtpTesting.mta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The configured limits: message size (RFC 1870), recipients, errors and commands per session. */
class SmtpLimitsTest {
    @RegisterExtension
    static final TestServer server = new TestServer("""
            [smtp]
            max_message_size = "10K"
            max_recipients = 3
            max_errors = 4
            max_commands = 30
            """);

    @Test
    void declaredSizeTooBigIsRefusedAtMail() throws Exception {
        try (LineClient c = mta(server)) {
            c.send("EHLO client.example.org");
            assertTrue(SmtpTesting.reply(c).contains("250-SIZE 10240"));
            c.send("MAIL FROM:<s@example.org> SIZE=10241");
            expect(c, "552 5.3.4");
            c.send("MAIL FROM:<s@example.org> SIZE=10240");
            expect(c, "250 2.1.0");
        }
    }

    @Test
    void dataOverrunIsReadToItsEndAndRefused() throws Exception {
        String user = server.newUser("overrun");
        try (LineClient c = mta(server)) {
            c.send("MAIL FROM:<s@example.org>");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<" + user + ">");
            expect(c, "250 2.1.5");
            c.send("DATA");
            expect(c, "354");
            c.sendRaw("Subject: big\r\n\r\n" + ("y".repeat(99) + "\r\n").repeat(200) + ".\r\nNOOP\r\n");
            expect(c, "552 5.3.4");
            expect(c, "250 2.0.0"); // the NOOP after the data: the session is still in step
            c.sendRaw("MAIL FROM:<s@example.org>\r\nRCPT TO:<" + user + ">\r\nBDAT 8000\r\n" + "z".repeat(8000)
                    + "BDAT 8000 LAST\r\n" + "z".repeat(8000) + "BDAT 10 LAST\r\n" + "z".repeat(10));
            expect(c, "250 2.1.0");
            expect(c, "250 2.1.5");
            expect(c, "250 2.0.0");
            expect(c, "552 5.3.4");
            expect(c, "503 5.5.1"); // the message already failed: RSET first
        }
        assertEquals(List.of(), inboxText(server, user));
    }

    @Test
    void tooManyRecipients() throws Exception {
        String user = server.newUser("many");
        String local = user.substring(0, user.indexOf('@'));
        try (LineClient c = mta(server)) {
            c.send("MAIL FROM:<s@example.org>");
            expect(c, "250 2.1.0");
            for (int i = 0; i < 3; i++) {
                c.send("RCPT TO:<" + local + "+" + i + "@example.test>");
                expect(c, "250 2.1.5");
            }
            c.send("RCPT TO:<" + user + ">");
            expect(c, "452 4.5.3"); // RFC 5321 §4.5.3.1.10
        }
    }

    @Test
    void tooManyErrorsEndTheSession() throws Exception {
        try (LineClient c = mta(server)) {
            for (int i = 0; i < 3; i++) {
                c.send("BOGUS");
                expect(c, "500 5.5.2");
            }
            c.send("RCPT TO:<x@example.test>");
            expect(c, "503 5.5.1");
            expect(c, "421 4.7.0");
            assertTrue(c.isClosedByServer());
        }
    }

    @Test
    void tooManyCommandsEndTheSession() throws Exception {
        try (LineClient c = server.connect("smtp")) {
            expect(c, "220 ");
            for (int i = 0; i < 30; i++) {
                c.send("NOOP");
                expect(c, "250 2.0.0");
            }
            c.send("NOOP");
            expect(c, "421 4.7.0");
            assertTrue(c.isClosedByServer());
        }
    }
}
