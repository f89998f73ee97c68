package dev.letterbox.smtp.server;

import static dev.letterbox.smtp.server.SmtpTesting.expect;
import static dev.letterbox.smtp.server.SmtpTesting.mta;
import static dev.letterbox.smtp.server.SmtpTesting.reply;
import static dev.letterbox.smtp.server.SmtpTesting.submission;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.DurabilityHooks.Sync;
import dev.letterbox.testing.Eventually;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.StoredState;
import dev.letterbox.testing.SyncProbe;
import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * When the store fails while a message is being taken — its body cannot be forced to disk, the
 * delivery's or the queue's commit fails — the client hears 451 and the store holds nothing of the
 * message: no message, no queue entry, no blob row, no blob file. A client that goes away in the
 * middle of DATA or BDAT leaves nothing either. Failures are injected at the store's fsyncs
 * ({@link SyncProbe}); every check is on the socket or on what the data dir holds.
 */
class SmtpStoreFailureTest {
    @RegisterExtension
    static final TestServer server = new TestServer();
    /** Above the store's inline limit, so the body goes to a blob file. */
    static final int BIG = 200_000;
    /** What a client sends before it goes away: more than any buffer in memory, so it reaches the disk. */
    static final int PARTIAL = 600_000;
    @RegisterExtension
    static final SyncProbe probe = SyncProbe.on(server);
    static final Duration WAIT = Duration.ofSeconds(10);

    static String message(String subject, int bodyBytes) {
        return "Subject: " + subject + "\r\n\r\n" + "0123456789abcdef".repeat(bodyBytes / 16 + 1) + "\r\n";
    }

    @Test
    void aBodyThatCannotBeForcedToDiskGets451AndNothingIsKept() throws Exception {
        String user = server.newUser("disk");
        try (LineClient c = mta(server)) {
            for (Sync failing : List.of(Sync.BLOB_FILE, Sync.BLOB_DIRECTORY)) {
                StoredState before = StoredState.of(server);
                probe.failing(failing);
                SmtpTesting.transaction(c, "s@example.org", user, message("the " + failing + " sync fails", BIG));
                expect(c, "451 4.3.0");
                assertEquals(before, StoredState.of(server), "nothing of the message stays when the " + failing + " sync fails");
                probe.heal();
            }
            SmtpTesting.transaction(c, "s@example.org", user, message("the disk is back", BIG));
            expect(c, "250 2.0.0");
        }
        assertEquals(1, server.inbox(user).size());
    }

    @Test
    void aBdatMessageThatCannotBeForcedGets451AndNothingIsKept() throws Exception {
        String user = server.newUser("bdat-disk");
        byte[] message = message("chunked", BIG).getBytes(StandardCharsets.US_ASCII);
        try (LineClient c = mta(server)) {
            StoredState before = StoredState.of(server);
            probe.failing(Sync.BLOB_FILE);
            envelope(c, "s@example.org", user);
            c.sendRaw("BDAT 100000\r\n").sendRaw(java.util.Arrays.copyOf(message, 100_000));
            expect(c, "250");
            c.sendRaw("BDAT " + (message.length - 100_000) + " LAST\r\n")
                    .sendRaw(java.util.Arrays.copyOfRange(message, 100_000, message.length));
            expect(c, "451 4.3.0");
            assertEquals(before, StoredState.of(server));
        }
    }

    @Test
    void aDeliveryWhoseCommitFailsGets451AndNothingIsKept() throws Exception {
        String first = server.newUser("commit");
        String second = server.newUser("commit");
        for (int size : new int[] {100, BIG}) {
            try (LineClient c = mta(server)) {
                StoredState before = StoredState.of(server);
                probe.failing(Sync.DATABASE_COMMIT);
                envelope(c, "s@example.org", first, second);
                c.send("DATA");
                expect(c, "354");
                c.sendRaw(message("commit fails, size " + size, size) + ".\r\n");
                expect(c, "451 4.3.0");
                probe.heal();
                assertEquals(before, StoredState.of(server), "size " + size);
            }
        }
        assertEquals(0, server.inbox(first).size() + server.inbox(second).size());
    }

    @Test
    void anEnqueueWhoseCommitFailsGets451AndNothingIsQueued() throws Exception {
        String alice = server.newUser("alice");
        for (int size : new int[] {100, BIG}) {
            try (LineClient c = submission(server, alice)) {
                StoredState before = StoredState.of(server);
                probe.failing(Sync.DATABASE_COMMIT);
                SmtpTesting.transaction(c, alice, "someone@remote.test", message("enqueue fails, size " + size, size));
                expect(c, "451 4.3.0");
                probe.heal();
                assertEquals(before, StoredState.of(server), "size " + size);
            }
        }
    }

    /**
     * A message for a remote and a local recipient takes several durable writes (blobs for the local
     * and the queue's copy, the delivery's commit, the queue's): whichever of them fails, the answer
     * is 451 and nothing stays — else the client's retry delivers the local copy twice. (When the
     * message needs fewer writes of a kind than the failure waits for, it is all stored: 250.)
     */
    @Test
    void aMessageForLocalAndRemoteRecipientsKeepsNothingWhicheverWriteFails() throws Exception {
        String alice = server.newUser("alice");
        String bob = server.newUser("bob");
        int stored = 0;
        for (Sync failing : List.of(Sync.BLOB_FILE, Sync.DATABASE_COMMIT)) {
            for (int skip = 0; skip < 3; skip++) {
                String what = failing + " number " + (skip + 1) + " fails";
                try (LineClient c = submission(server, alice)) {
                    StoredState before = StoredState.of(server);
                    probe.failing(failing, skip, 1);
                    envelope(c, alice, "someone@remote.test", bob);
                    c.send("DATA");
                    expect(c, "354");
                    c.sendRaw(message(what, BIG) + ".\r\n");
                    String verdict = reply(c).getLast();
                    probe.heal();
                    StoredState after = StoredState.of(server);
                    if (skip == 0 || verdict.startsWith("451")) {
                        assertTrue(verdict.startsWith("451 4.3.0"), what + ": " + verdict);
                        assertEquals(before, after, what);
                    } else {
                        assertTrue(verdict.startsWith("250 2.0.0"), what + ": " + verdict);
                        assertEquals(before.queued() + 1, after.queued(), what);
                        stored++;
                    }
                }
            }
        }
        assertEquals(stored, server.inbox(bob).size());
    }

    @Test
    void aClientGoneInTheMiddleOfDataLeavesNoMessageAndNoBlob() throws Exception {
        String user = server.newUser("gone");
        StoredState before = StoredState.of(server);
        LineClient c = mta(server);
        envelope(c, "s@example.org", user);
        c.send("DATA");
        expect(c, "354");
        c.sendRaw(message("never finished", PARTIAL)); // no end-of-data dot
        awaitPartialMessageOnDisk(before);
        c.close();
        Eventually.until(WAIT, "the partial message to go", () -> StoredState.of(server).equals(before));
        assertEquals(0, server.inbox(user).size());
    }

    @Test
    void aClientGoneInTheMiddleOfABdatChunkLeavesNoMessageAndNoBlob() throws Exception {
        String user = server.newUser("gone-bdat");
        StoredState before = StoredState.of(server);
        byte[] message = message("never finished", PARTIAL).getBytes(StandardCharsets.US_ASCII);
        LineClient c = mta(server);
        envelope(c, "s@example.org", user);
        c.sendRaw("BDAT 300000\r\n").sendRaw(java.util.Arrays.copyOf(message, 300_000));
        expect(c, "250");
        c.sendRaw("BDAT " + (message.length - 300_000) + " LAST\r\n").sendRaw(java.util.Arrays.copyOfRange(message, 300_000, 500_000));
        awaitPartialMessageOnDisk(before);
        c.close();
        Eventually.until(WAIT, "the partial message to go", () -> StoredState.of(server).equals(before));
        assertEquals(0, server.inbox(user).size());
    }

    /** MAIL and RCPTs, each accepted. */
    private static void envelope(LineClient c, String from, String... recipients) throws java.io.IOException {
        c.send("MAIL FROM:<" + from + ">");
        expect(c, "250 2.1.0");
        for (String rcpt : recipients) {
            c.send("RCPT TO:<" + rcpt + ">");
            expect(c, "250 2.1.5");
        }
    }

    /** Waits until part of the message is in a file (so the test is about a real partial message on disk). */
    private static void awaitPartialMessageOnDisk(StoredState before) {
        Eventually.until(WAIT, "part of the message in a file", () -> !before.files().containsAll(StoredState.of(server).files()));
    }
}
