package dev.letterbox.pop3.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.letterbox.testing.TestMessages;
import dev.letterbox.testing.TestServer;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The POP3 paths a real client library takes: implicit TLS (995) and STLS (110). */
class Pop3AngusMailTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    static final String MESSAGE = TestMessages.multipart(List.of("From: Sender <sender@example.org>", "To: someone@example.test"),
            "Hello there.", ".a line with a leading dot");

    private Store connect(String protocol, int port) throws Exception {
        Properties props = new Properties();
        trustTestCertificate(props, protocol);
        props.put("mail." + protocol + ".connectiontimeout", "5000");
        props.put("mail." + protocol + ".timeout", "10000");
        if (protocol.equals("pop3")) {
            props.put("mail.pop3.starttls.enable", "true");
            props.put("mail.pop3.starttls.required", "true");
        }
        Store store = Session.getInstance(props).getStore(protocol);
        store.connect("127.0.0.1", port, currentUser, TestServer.PASSWORD);
        return store;
    }

    private String currentUser;

    /** Trust exactly the test server's certificate; it names mail.example.test, not 127.0.0.1. */
    private static void trustTestCertificate(Properties props, String protocol) {
        props.put("mail." + protocol + ".ssl.socketFactory", server.clientTls().getSocketFactory());
        props.put("mail." + protocol + ".ssl.checkserveridentity", "false");
    }

    private void readsDeletesAndExpunges(String protocol, String listener) throws Exception {
        currentUser = server.newUser(protocol);
        server.deliver(currentUser, MESSAGE);
        Store store = connect(protocol, server.port(listener));
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        assertEquals(1, inbox.getMessageCount());
        Message m = inbox.getMessage(1);
        assertEquals("Grüße", m.getSubject());
        // Message.getSize() is the content's size (LIST's octets minus the header block)
        assertEquals(MESSAGE.length() - MESSAGE.indexOf("\r\n\r\n") - 4, m.getSize());
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        m.writeTo(raw);
        assertArrayEquals(MESSAGE.getBytes(StandardCharsets.UTF_8), raw.toByteArray(), "byte-exact round trip");
        jakarta.mail.Multipart mp = (jakarta.mail.Multipart) m.getContent();
        assertEquals(2, mp.getCount());
        assertEquals("a.bin", mp.getBodyPart(1).getFileName());
        m.setFlag(Flags.Flag.DELETED, true);
        inbox.close(true); // QUIT: the deletion happens now
        store.close();

        Store again = connect(protocol, server.port(listener));
        Folder inbox2 = again.getFolder("INBOX");
        inbox2.open(Folder.READ_ONLY);
        assertEquals(0, inbox2.getMessageCount());
        inbox2.close(false);
        again.close();
    }

    @Test
    void implicitTls() throws Exception {
        readsDeletesAndExpunges("pop3s", "pop3s");
    }

    @Test
    void stls() throws Exception {
        readsDeletesAndExpunges("pop3", "pop3");
    }

    @Test
    void wrongPasswordIsAnAuthenticationFailure() throws Exception {
        currentUser = server.newUser("angusbad");
        Properties props = new Properties();
        trustTestCertificate(props, "pop3s");
        Store store = Session.getInstance(props).getStore("pop3s");
        assertThrows(AuthenticationFailedException.class,
                () -> store.connect("127.0.0.1", server.port("pop3s"), currentUser, "not the password"));
    }
}
