package dev.letterbox.store.sql;

import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.message;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.NewMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small bodies kept in the database row, big ones as files: the boundary and the lifecycle. */
class InlineBlobTest {
    @TempDir
    Path dir;

    private static BlobId write(BlobStore blobs, byte[] bytes) throws IOException {
        try (BlobStore.BlobWriter w = blobs.create()) {
            w.stream().write(bytes);
            return w.commit();
        }
    }

    private static byte[] read(BlobStore blobs, BlobId id) throws IOException {
        try (InputStream in = blobs.open(id)) {
            return in.readAllBytes();
        }
    }

    private long blobFiles(Path data) throws IOException {
        try (Stream<Path> files = Files.walk(data.resolve("blobs"))) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getParent().getFileName().toString().equals("tmp")).count();
        }
    }

    @Test
    void smallBodiesLiveInTheirRowAndSurviveAReopen() throws Exception {
        Path data = dir.resolve("d1");
        byte[] body = "Subject: small\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
        BlobId id;
        try (SqlMailStore store = SqlMailStore.openSqlite(data)) {
            long a = newAccount(store, "alice@example.com");
            id = write(store.blobs(), body);
            assertTrue(SqlBlobStore.isInline(id));
            assertArrayEquals(body, read(store.blobs(), id), "readable before any transaction refers to it");
            long inbox = mailboxId(store, a, "INBOX");
            store.write(a, tx -> tx.append(inbox, new NewMessage(id, body.length, Flags.NONE, Instant.now(), null)));
            assertEquals(0, blobFiles(data), "no file was written");
        }
        try (SqlMailStore store = SqlMailStore.openSqlite(data)) {
            assertArrayEquals(body, read(store.blobs(), id));
            assertEquals(body.length, store.blobs().size(id));
            try (SeekableByteChannel ch = store.blobs().openChannel(id)) {
                ByteBuffer part = ByteBuffer.allocate(5);
                ch.position(9).read(part);
                assertEquals("small", new String(part.array(), StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void theLimitDecidesBetweenRowAndFile() throws Exception {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir.resolve("d2"))) {
            BlobId atLimit = write(store.blobs(), new byte[SqlBlobStore.INLINE_LIMIT]);
            BlobId over = write(store.blobs(), new byte[SqlBlobStore.INLINE_LIMIT + 1]);
            assertTrue(SqlBlobStore.isInline(atLimit));
            assertFalse(SqlBlobStore.isInline(over));
            assertEquals(SqlBlobStore.INLINE_LIMIT + 1, store.blobs().size(over));
            assertEquals(1, blobFiles(dir.resolve("d2")));
        }
    }

    @Test
    void aFailedUnitDoesNotLoseTheBytesForTheNextOne() throws Exception {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir.resolve("d3"))) {
            long full = newAccount(store, "full@example.com");
            long roomy = newAccount(store, "roomy@example.com");
            store.directory().setQuota(full, 10);
            byte[] body = "Subject: both\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
            BlobId id = write(store.blobs(), body);
            NewMessage m = new NewMessage(id, body.length, Flags.NONE, Instant.now(), null);
            long fullInbox = mailboxId(store, full, "INBOX"), roomyInbox = mailboxId(store, roomy, "INBOX");
            var refused = store.writeAsync(full, tx -> tx.append(fullInbox, m));
            var stored = store.writeAsync(roomy, tx -> tx.append(roomyInbox, m));
            var failure = assertThrows(java.util.concurrent.CompletionException.class, refused::join);
            assertTrue(failure.getCause() instanceof MailboxException, failure.toString());
            stored.join();
            assertArrayEquals(body, read(store.blobs(), id));
        }
    }

    @Test
    void theRowGoesWithTheLastReference() throws Exception {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir.resolve("d4"))) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            NewMessage m = message(store, "short-lived");
            long uid = store.write(a, tx -> tx.append(inbox, m)).uid();
            long copyTo = mailboxId(store, a, "Archive");
            store.write(a, tx -> tx.copy(inbox, new long[] {uid}, copyTo));
            store.write(a, tx -> tx.expunge(inbox, new long[] {uid}));
            assertTrue(store.blobs().exists(m.blob()), "the copy still refers to it");
            store.write(a, tx -> tx.storeFlags(copyTo, new long[] {1}, dev.letterbox.store.FlagUpdate.Mode.ADD,
                    Flags.ofSystem(Flags.DELETED), OptionalLong.empty()));
            store.write(a, tx -> tx.expunge(copyTo, new long[] {1}));
            assertFalse(store.blobs().exists(m.blob()));
        }
    }

    @Test
    void anUnreferencedSmallBlobCanBeDiscarded() throws Exception {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir.resolve("d5"))) {
            BlobId id = write(store.blobs(), "never delivered".getBytes(StandardCharsets.US_ASCII));
            assertTrue(store.blobs().exists(id));
            store.blobs().delete(id);
            assertFalse(store.blobs().exists(id));
            assertThrows(IOException.class, () -> store.blobs().open(id));
        }
    }

    @Test
    void deletingAReferencedBlobByMistakeLeavesItAlone() throws Exception {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir.resolve("d6"))) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            for (byte[] body : new byte[][] {"small".getBytes(StandardCharsets.US_ASCII), new byte[SqlBlobStore.INLINE_LIMIT + 10]}) {
                BlobId id = write(store.blobs(), body);
                store.write(a, tx -> tx.append(inbox, new NewMessage(id, body.length, Flags.NONE, Instant.now(), null)));
                store.blobs().delete(id);
                assertArrayEquals(body, read(store.blobs(), id), "still readable: " + id);
            }
        }
    }
}
