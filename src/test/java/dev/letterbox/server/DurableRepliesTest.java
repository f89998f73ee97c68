package dev.letterbox.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.smtp.client.SmtpClient;
import dev.letterbox.store.DurabilityHooks.Sync;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.SyncProbe;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "A 250/OK/+OK that promises storage is sent only after fsync", checked at the store's fsyncs:
 * what each reply promises was forced to disk by the time the client reads it, and when the disk
 * fails the reply says "try again" and nothing is kept. (The settings that make a commit an fsync
 * are checked by the store's own tests; a SIGKILL test cannot see any of this, the page cache
 * survives it.)
 */
class DurableRepliesTest {
    @RegisterExtension
    static final TestServer server = new TestServer();
    /** Above the store's inline limit: such a body is a file of its own, forced before the commit. */
    static final int BIG = 200_000;
    @RegisterExtension
    static final SyncProbe probe = SyncProbe.on(server);

    /** Successful syncs so far, by kind. */
    record Syncs(long files, long directories, long commits) {
        static Syncs now() {
            return new Syncs(probe.count(Sync.BLOB_FILE), probe.count(Sync.BLOB_DIRECTORY), probe.count(Sync.DATABASE_COMMIT));
        }

        Syncs since(Syncs before) {
            return new Syncs(files - before.files, directories - before.directories, commits - before.commits);
        }
    }

    static String message(String subject, int bodyBytes) {
        return "Subject: " + subject + "\r\n\r\n" + ("0123456789abcdef".repeat(bodyBytes / 16 + 1) + "\r\n");
    }

    @Test
    void anAcceptedSmtpMessageWasCommittedBeforeThe250() throws Exception {
        String user = server.newUser("smtp");
        for (int size : new int[] {100, BIG}) {
            Syncs before = Syncs.now();
            SmtpClient.Result r = smtp(user, message("size " + size, size));
            Syncs forced = Syncs.now().since(before); // read at once: what was forced when the 250 arrived
            assertTrue(r.accepted(), r.toString());
            assertTrue(forced.commits() >= 1, "the delivery's commit, before the 250: " + forced);
            if (size == BIG) {
                assertTrue(forced.files() >= 1 && forced.directories() >= 1, "the body's file and its name, before the 250: " + forced);
            } else {
                assertEquals(0, forced.files(), "a small body is made durable by the commit itself: " + forced);
            }
        }
        assertEquals(2, server.inbox(user).size());
    }

    @Test
    void anImapAppendWasForcedBeforeItsOk() throws Exception {
        String user = server.newUser("append");
        try (LineClient imap = imap(user)) {
            for (int size : new int[] {100, BIG}) {
                Syncs before = Syncs.now();
                append(imap, "a" + size, message("appended", size)).expectPrefix("a" + size + " OK [APPENDUID ");
                Syncs forced = Syncs.now().since(before);
                assertTrue(forced.commits() >= 1, "the append's commit, before the OK: " + forced);
                if (size == BIG) assertTrue(forced.files() >= 1 && forced.directories() >= 1, "the body's file: " + forced);
            }
        }
        assertEquals(2, server.inbox(user).size());
    }

    @Test
    void pop3DeleIsCommittedByQuitBeforeItsOk() throws Exception {
        String user = server.newUser("pop");
        server.deliver(user, message("to be deleted", 100));
        server.deliver(user, message("to be kept", 100));
        try (LineClient pop = pop3(user)) {
            pop.send("DELE 1");
            pop.expectPrefix("+OK");
            Syncs before = Syncs.now();
            pop.send("QUIT");
            pop.expectPrefix("+OK");
            Syncs forced = Syncs.now().since(before);
            assertTrue(forced.commits() >= 1, "the expunge's commit, before QUIT's +OK: " + forced);
        }
        assertEquals(1, server.inbox(user).size());
        assertTrue(server.inbox(user).getFirst().contains("Subject: to be kept\r\n"));
    }

    @Test
    void anImapAppendWhoseDiskFailsGetsNoAndKeepsNothing() throws Exception {
        String user = server.newUser("append-fail");
        try (LineClient imap = imap(user)) {
            probe.failing(Sync.BLOB_FILE, 0, 1);
            append(imap, "b1", message("big, its file cannot be forced", BIG)).expectPrefix("b1 NO [UNAVAILABLE] ");
            probe.failing(Sync.DATABASE_COMMIT, 0, 1);
            append(imap, "b2", message("small, its commit fails", 100)).expectPrefix("b2 NO [UNAVAILABLE] ");
            assertEquals(0, server.inbox(user).size());
            append(imap, "b3", message("the disk is back", 100)).expectPrefix("b3 OK ");
        }
        assertEquals(1, server.inbox(user).size(), "the session went on after the failures");
    }

    @Test
    void aPop3QuitWhoseCommitFailsSaysSoAndDeletesNothing() throws Exception {
        String user = server.newUser("pop-fail");
        server.deliver(user, message("still here", 100));
        try (LineClient pop = pop3(user)) {
            pop.send("DELE 1");
            pop.expectPrefix("+OK");
            probe.failing(Sync.DATABASE_COMMIT);
            pop.send("QUIT");
            pop.expectPrefix("-ERR [SYS/TEMP] ");
        }
        probe.heal();
        assertEquals(1, server.inbox(user).size(), "RFC 1939 §6: nothing is removed when the update fails");
    }

    private static SmtpClient.Result smtp(String user, String message) throws Exception {
        try (SmtpClient c = SmtpClient.connect("127.0.0.1", server.port("smtp"), Duration.ofSeconds(10))) {
            assertEquals(220, c.greeting().code());
            assertEquals(250, c.ehlo("client.example.org").code());
            return c.send(SmtpClient.Envelope.of("sender@example.org", user), message.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static LineClient imap(String user) throws IOException {
        LineClient c = server.connectTls("imaps");
        c.expectPrefix("* OK");
        c.send("L LOGIN \"" + user + "\" \"" + TestServer.PASSWORD + "\"");
        c.expectPrefix("L OK");
        return c;
    }

    /** APPEND with a non-synchronizing literal (RFC 7888); the caller reads the tagged reply. */
    private static LineClient append(LineClient imap, String tag, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        imap.sendRaw(tag + " APPEND INBOX {" + bytes.length + "+}\r\n");
        imap.sendRaw(bytes);
        return imap.sendRaw("\r\n");
    }

    private static LineClient pop3(String user) throws IOException {
        LineClient c = server.connectTls("pop3s");
        c.expectPrefix("+OK");
        c.send("USER " + user);
        c.expectPrefix("+OK");
        c.send("PASS " + TestServer.PASSWORD);
        c.expectPrefix("+OK");
        return c;
    }
}
