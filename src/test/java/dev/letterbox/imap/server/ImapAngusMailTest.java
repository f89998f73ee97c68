package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestMessages;
import dev.letterbox.testing.TestServer;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.SubjectTerm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The IMAP paths a real client library (Angus Mail) takes: TLS and STARTTLS, folders, flags, copy, search, IDLE. */
class ImapAngusMailTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    static final String MESSAGE = TestMessages.multipart(List.of("From: Sender <sender@example.org>", "To: someone@example.test"),
            "Hello there.");

    private static Store connect(String protocol, String listener, String user) throws Exception {
        return connect(protocol, listener, user, null);
    }

    /** With {@code trace} set, COMPRESS=DEFLATE is asked for and the client's protocol trace kept there. */
    private static Store connect(String protocol, String listener, String user, ByteArrayOutputStream trace) throws Exception {
        Properties props = new Properties();
        props.put("mail." + protocol + ".ssl.socketFactory", server.clientTls().getSocketFactory());
        props.put("mail." + protocol + ".ssl.checkserveridentity", "false");
        props.put("mail." + protocol + ".connectiontimeout", "5000");
        props.put("mail." + protocol + ".timeout", "10000");
        if (protocol.equals("imap")) {
            props.put("mail.imap.starttls.enable", "true");
            props.put("mail.imap.starttls.required", "true");
        }
        if (Boolean.getBoolean("imap.debug")) props.put("mail.debug", "true");
        Session session = Session.getInstance(props);
        if (trace != null) {
            props.put("mail." + protocol + ".compress.enable", "true");
            session.setDebugOut(new java.io.PrintStream(trace, true, StandardCharsets.UTF_8));
            session.setDebug(true);
        }
        Store store = session.getStore(protocol);
        store.connect("127.0.0.1", server.port(listener), user, TestServer.PASSWORD);
        return store;
    }

    private void readsFlagsCopiesAndDeletes(String protocol, String listener) throws Exception {
        readsFlagsCopiesAndDeletes(protocol, listener, null);
    }

    private void readsFlagsCopiesAndDeletes(String protocol, String listener, ByteArrayOutputStream trace) throws Exception {
        String user = server.newUser(protocol);
        server.deliver(user, MESSAGE);
        Store store = connect(protocol, listener, user, trace);
        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        assertEquals(1, inbox.getMessageCount());
        Message m = inbox.getMessage(1);
        assertEquals("Grüße", m.getSubject());
        assertEquals("sender@example.org", ((jakarta.mail.internet.InternetAddress) m.getFrom()[0]).getAddress());
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        m.writeTo(raw);
        assertArrayEquals(MESSAGE.getBytes(StandardCharsets.UTF_8), raw.toByteArray(), "byte-exact round trip");
        Multipart mp = (Multipart) m.getContent(); // BODYSTRUCTURE, then BODY[1] and BODY[2]
        assertEquals(2, mp.getCount());
        assertEquals("Hello there.", ((String) mp.getBodyPart(0).getContent()).trim());
        assertEquals("a.bin", mp.getBodyPart(1).getFileName());
        assertTrue(m.isSet(Flags.Flag.SEEN), "reading the content set \\Seen");
        long uid = inbox.getUID(m);
        assertEquals(1, uid);

        Folder work = store.getFolder("Work");
        assertTrue(work.create(Folder.HOLDS_MESSAGES));
        inbox.copyMessages(new Message[] {m}, work);
        m.setFlag(Flags.Flag.FLAGGED, true);
        assertEquals(1, inbox.search(new FlagTerm(new Flags(Flags.Flag.FLAGGED), true)).length);
        assertEquals(1, inbox.search(new SubjectTerm("grüße")).length);
        m.setFlag(Flags.Flag.DELETED, true);
        inbox.close(true); // CLOSE expunges
        inbox.open(Folder.READ_ONLY);
        assertEquals(0, inbox.getMessageCount());
        inbox.close(false);
        work.open(Folder.READ_WRITE);
        assertEquals(1, work.getMessageCount());
        assertEquals("Grüße", work.getMessage(1).getSubject());
        work.close(false);

        Folder[] all = store.getDefaultFolder().list("*");
        assertTrue(all.length >= 7, "INBOX, Work and the special-use folders");
        store.close();
    }

    @Test
    void implicitTls() throws Exception {
        readsFlagsCopiesAndDeletes("imaps", "imaps");
    }

    @Test
    void startTls() throws Exception {
        readsFlagsCopiesAndDeletes("imap", "imap");
    }

    @Test
    void compressedSession() throws Exception {
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        readsFlagsCopiesAndDeletes("imaps", "imaps", trace);
        // the whole session above ran compressed: the client asked, and the server's OK came back
        List<String> lines = trace.toString(StandardCharsets.UTF_8).lines().map(String::strip).toList();
        int asked = lines.indexOf(lines.stream().filter(l -> l.matches("[A-Z]+\\d+ COMPRESS DEFLATE")).findFirst().orElseThrow());
        String tag = lines.get(asked).split(" ")[0];
        assertTrue(lines.get(asked + 1).startsWith(tag + " OK "), lines.get(asked + 1));
        assertTrue(lines.stream().skip(asked).anyMatch(l -> l.matches("[A-Z]+\\d+ OK \\[READ-WRITE\\] SELECT completed")),
                "commands after COMPRESS were answered");
    }

    @Test
    void appendMoveAndUidPlus() throws Exception {
        String user = server.newUser("append");
        IMAPStore store = (IMAPStore) connect("imaps", "imaps", user);
        IMAPFolder drafts = (IMAPFolder) store.getFolder("Drafts");
        drafts.open(Folder.READ_WRITE);
        MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.UTF_8)));
        var appended = drafts.appendUIDMessages(new Message[] {msg});
        assertEquals(1, appended[0].uid, "APPENDUID");
        assertEquals(drafts.getUIDValidity(), appended[0].uidvalidity);
        Message m = drafts.getMessageByUID(1);
        drafts.moveMessages(new Message[] {m}, store.getFolder("Archive"));
        drafts.close(false);
        drafts.open(Folder.READ_ONLY);
        assertEquals(0, drafts.getMessageCount(), "moved away");
        drafts.close(false);
        UIDFolder archive = (UIDFolder) store.getFolder("Archive");
        ((Folder) archive).open(Folder.READ_ONLY);
        assertEquals("Grüße", archive.getMessageByUID(1).getSubject());
        ((Folder) archive).close(false);
        store.close();
    }

    @Test
    void idleSeesNewMail() throws Exception {
        String user = server.newUser("angusidle");
        IMAPStore store = (IMAPStore) connect("imaps", "imaps", user);
        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        CountDownLatch arrived = new CountDownLatch(1);
        AtomicReference<String> subject = new AtomicReference<>();
        inbox.addMessageCountListener(new MessageCountAdapter() {
            @Override
            public void messagesAdded(MessageCountEvent e) {
                try {
                    subject.set(e.getMessages()[0].getSubject());
                } catch (Exception ex) {
                    subject.set(ex.toString());
                }
                arrived.countDown();
            }
        });
        Thread idler = Thread.ofVirtual().start(() -> {
            try {
                while (arrived.getCount() > 0) inbox.idle(true);
            } catch (Exception e) {
                subject.compareAndSet(null, e.toString());
                arrived.countDown();
            }
        });
        Thread.sleep(300); // let IDLE start; delivery before it is fine too (reported right away)
        server.deliver(user, MESSAGE);
        assertTrue(arrived.await(10, TimeUnit.SECONDS), "IDLE reported the new message");
        idler.join(10_000);
        assertEquals("Grüße", subject.get());
        inbox.close(false);
        store.close();
    }

    @Test
    void wrongPasswordIsAnAuthenticationFailure() throws Exception {
        String user = server.newUser("angusbad");
        Properties props = new Properties();
        props.put("mail.imaps.ssl.socketFactory", server.clientTls().getSocketFactory());
        props.put("mail.imaps.ssl.checkserveridentity", "false");
        Store store = Session.getInstance(props).getStore("imaps");
        assertThrows(AuthenticationFailedException.class,
                () -> store.connect("127.0.0.1", server.port("imaps"), user, "not the password"));
    }
}
