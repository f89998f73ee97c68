package dev.letterbox.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestMessages;
import dev.letterbox.testing.TestServer;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a real client library does: Angus Mail submits over 465 and 587, and the message comes back over POP3 byte-exact. */
class SmtpAngusMailTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    static String message(String from, String to) {
        return TestMessages.multipart(List.of("Date: Mon, 2 Nov 2026 10:00:00 +0100", "Message-ID: <angus-" + to + "@example.test>",
                "From: Sender <" + from + ">", "To: " + to), "Hello there.", ".a line with a leading dot", ".");
    }

    private static Properties props(String protocol) {
        Properties p = new Properties();
        p.put("mail." + protocol + ".ssl.socketFactory", server.clientTls().getSocketFactory());
        p.put("mail." + protocol + ".ssl.checkserveridentity", "false");
        p.put("mail." + protocol + ".connectiontimeout", "5000");
        p.put("mail." + protocol + ".timeout", "10000");
        p.put("mail." + protocol + ".auth", "true");
        return p;
    }

    private void sendAndReadBack(String protocol, String listener, Properties p) throws Exception {
        String user = server.newUser("angus-" + listener);
        String raw = message(user, user);
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        try (Transport t = session.getTransport(protocol)) {
            t.connect("127.0.0.1", server.port(listener), user, TestServer.PASSWORD);
            t.sendMessage(m, new Address[] {new InternetAddress(user)});
        }
        Properties pop = props("pop3s");
        Store store = Session.getInstance(pop).getStore("pop3s");
        store.connect("127.0.0.1", server.port("pop3s"), user, TestServer.PASSWORD);
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        assertEquals(1, inbox.getMessageCount());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        inbox.getMessage(1).writeTo(got);
        inbox.close(false);
        store.close();
        String retrieved = got.toString(StandardCharsets.UTF_8);
        assertTrue(retrieved.contains("with ESMTPSA (TLSv1.3"), retrieved);
        assertEquals(raw, SmtpTesting.withoutTrace(retrieved), "byte-exact after the trace fields");
    }

    @Test
    void implicitTls465() throws Exception {
        sendAndReadBack("smtps", "submissions", props("smtps"));
    }

    @Test
    void startTls587() throws Exception {
        Properties p = props("smtp");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        sendAndReadBack("smtp", "submission", p);
    }

    @Test
    void wrongPasswordIsAnAuthenticationFailure() throws Exception {
        String user = server.newUser("angus-bad");
        Session session = Session.getInstance(props("smtps"));
        try (Transport t = session.getTransport("smtps")) {
            assertThrows(AuthenticationFailedException.class,
                    () -> t.connect("127.0.0.1", server.port("submissions"), user, "not the password"));
        }
    }
}
