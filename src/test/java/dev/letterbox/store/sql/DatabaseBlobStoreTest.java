package dev.letterbox.store.sql;

import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.config.Config;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.Flags;
import dev.letterbox.store.NewMessage;
import dev.letterbox.store.blob.LargeBlobStore;
import dev.letterbox.testing.Eventually;
import dev.letterbox.testing.LogCapture;
import dev.letterbox.testing.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Big blobs in PostgreSQL ({@code blobs = "database"}): streamed in chunks both ways, partial reads
 * fetching only the chunks they cover, and the chunks' lifecycle — gone with the last reference,
 * with a writer closed uncommitted, and, after a crash, by the next start's sweep once an hour old.
 */
class DatabaseBlobStoreTest {
    private static final int CHUNK = DatabaseBlobStore.CHUNK_SIZE;
    private static final Duration GRACE = Duration.ofMillis(50);

    @TempDir
    Path dir;

    private String url;

    private SqlMailStore open() {
        if (url == null) url = PostgresServer.shared().newDatabase();
        Config.Store config = new Config.Store(Config.Store.Backend.POSTGRESQL, Optional.of(url), Optional.empty(), 4,
                Config.Store.Blobs.DATABASE, dir.resolve("blobs"));
        return StoreFactory.postgresql(config, GRACE, SqlBlobStore.INLINE_LIMIT, CHUNK);
    }

    private static DatabaseBlobStore chunks(SqlMailStore store) {
        return (DatabaseBlobStore) ((SqlBlobStore) store.blobs()).large();
    }

    private Connection jdbc() throws SQLException {
        String database = URI.create(url).getPath().substring(1);
        return DriverManager.getConnection(PostgresServer.shared().jdbcUrl(database));
    }

    /** {rows, longest chunk} of a blob, or of every blob with {@code blob = null}. */
    private long[] chunkRows(BlobId blob) throws SQLException {
        try (Connection c = jdbc();
             PreparedStatement ps = c.prepareStatement("SELECT count(*), coalesce(max(length(content)), 0) FROM blob_chunk"
                     + (blob == null ? "" : " WHERE blob_id = ?"))) {
            if (blob != null) ps.setString(1, blob.value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    /** Makes every chunk but those of {@code except} look written two hours ago. */
    private void ageChunksExcept(BlobId except) throws SQLException {
        try (Connection c = jdbc();
             PreparedStatement ps = c.prepareStatement("UPDATE blob_chunk SET created = ? WHERE blob_id <> ?")) {
            ps.setLong(1, Instant.now().minus(Duration.ofHours(2)).toEpochMilli());
            ps.setString(2, except.value());
            ps.executeUpdate();
        }
    }

    /** Deterministic bytes that do not compress or repeat at chunk boundaries (xorshift). */
    private static final class Bytes {
        private long state = 0x9E3779B97F4A7C15L;

        void fill(byte[] b) {
            for (int i = 0; i < b.length; i++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                b[i] = (byte) state;
            }
        }
    }

    private static BlobId write(BlobStore blobs, byte[] bytes) throws IOException {
        try (BlobStore.BlobWriter w = blobs.create()) {
            w.stream().write(bytes);
            return w.commit();
        }
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Bytes().fill(b);
        return b;
    }

    @Test
    void fiftyMegabytesAreWrittenAndReadInChunksAndATailReadFetchesOneChunk() throws Exception {
        long size = 50L * 1024 * 1024;
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        byte[] tail = new byte[100];
        try (SqlMailStore store = open()) {
            BlobId id;
            Bytes source = new Bytes();
            byte[] piece = new byte[64 * 1024];
            try (BlobStore.BlobWriter w = store.blobs().create()) {
                for (long n = 0; n < size; n += piece.length) {
                    source.fill(piece);
                    written.update(piece);
                    w.stream().write(piece);
                }
                System.arraycopy(piece, piece.length - tail.length, tail, 0, tail.length);
                id = w.commit();
            }
            assertFalse(SqlBlobStore.isInline(id));
            assertArrayEquals(new long[] {size / CHUNK, CHUNK}, chunkRows(id), "200 chunks of 256 KiB, none bigger");
            assertEquals(size, store.blobs().size(id));
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            store.write(a, tx -> tx.append(inbox, new NewMessage(id, size, Flags.NONE, Instant.now(), null)));

            DatabaseBlobStore chunks = chunks(store);
            long before = chunks.chunksFetched();
            MessageDigest read = MessageDigest.getInstance("SHA-256");
            try (InputStream in = store.blobs().open(id)) {
                byte[] buffer = new byte[16 * 1024]; // what a FETCH streams through
                for (int n; (n = in.read(buffer)) >= 0; ) read.update(buffer, 0, n);
            }
            assertArrayEquals(written.digest(), read.digest(), "the same 50 MB came back");
            assertEquals(size / CHUNK, chunks.chunksFetched() - before, "each chunk fetched once, one at a time");

            before = chunks.chunksFetched();
            try (SeekableByteChannel ch = store.blobs().openChannel(id)) {
                ByteBuffer last = ByteBuffer.allocate(tail.length);
                ch.position(size - tail.length);
                while (last.hasRemaining() && ch.read(last) >= 0) { }
                assertArrayEquals(tail, last.array());
                assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
            }
            assertEquals(1, chunks.chunksFetched() - before, "BODY[]<start.len> of the last bytes reads only the last chunk");
        }
    }

    /** The proof that nothing holds the whole blob: a JVM with a 32 MB heap writes and reads 50 MB. */
    @Test
    void aHeapSmallerThanTheBlobIsEnough() throws Exception {
        open().close(); // the database, migrated
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx32m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), LargeBlobChild.class.getName(), url,
                dir.resolve("child-blobs").toString(), "50")
                .redirectError(dir.resolve("child.err").toFile())
                .start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        assertEquals("SAME", out, "its log: " + Files.readString(dir.resolve("child.err")));
        assertEquals(0, child.exitValue());
        assertEquals(200, chunkRows(null)[0]);
    }

    @Test
    void partialReadsAcrossAChunkBoundaryAndSkips() throws Exception {
        byte[] bytes = random(3 * CHUNK + 17);
        try (SqlMailStore store = open()) {
            BlobId id = write(store.blobs(), bytes);
            assertArrayEquals(new long[] {4, CHUNK}, chunkRows(id));
            try (SeekableByteChannel ch = store.blobs().openChannel(id)) {
                ByteBuffer across = ByteBuffer.allocate(20);
                ch.position(2L * CHUNK - 10);
                while (across.hasRemaining()) ch.read(across);
                assertArrayEquals(Arrays.copyOfRange(bytes, 2 * CHUNK - 10, 2 * CHUNK + 10), across.array());
            }
            try (InputStream in = store.blobs().open(id)) {
                assertEquals(3L * CHUNK, in.skip(3L * CHUNK)); // POP3 TOP and partial FETCH skip like this
                assertArrayEquals(Arrays.copyOfRange(bytes, 3 * CHUNK, bytes.length), in.readAllBytes());
            }
            assertThrows(NoSuchFileException.class, () -> store.blobs().open(new BlobId("k0123456789abcdef0123456789abcdef")));
        }
    }

    @Test
    void chunksGoWithTheLastReferenceAndWithAnUncommittedWriter() throws Exception {
        try (SqlMailStore store = open()) {
            long a = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            long archive = mailboxId(store, a, "Archive");
            byte[] bytes = random(2 * CHUNK + 1);
            BlobId id = write(store.blobs(), bytes);
            NewMessage m = new NewMessage(id, bytes.length, Flags.NONE, Instant.now(), null);
            long uid = store.write(a, tx -> tx.append(inbox, m)).uid();
            long copy = store.write(a, tx -> tx.copy(inbox, new long[] {uid}, archive)).targetUids()[0];
            store.write(a, tx -> tx.expunge(inbox, new long[] {uid}));
            Thread.sleep(GRACE.toMillis() * 4);
            assertEquals(3, chunkRows(id)[0], "the copy still refers to the blob");
            store.write(a, tx -> tx.expunge(archive, new long[] {copy}));
            Eventually.until(Duration.ofSeconds(5), "the freed blob's chunks deleted", () -> {
                try {
                    return chunkRows(id)[0] == 0;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertFalse(store.blobs().exists(id));

            BlobStore.BlobWriter abandoned = store.blobs().create();
            abandoned.stream().write(random(2 * CHUNK + 5));
            assertEquals(2, chunkRows(null)[0], "two full chunks are in the database already");
            abandoned.close();
            assertEquals(0, chunkRows(null)[0], "a writer closed without commit leaves nothing");

            BlobId failed = write(store.blobs(), random(CHUNK + 1)); // a delivery that then failed
            store.blobs().delete(failed);
            assertEquals(0, chunkRows(null)[0], "the creator may delete a blob nothing refers to");
        }
    }

    @Test
    void aStartSweepsChunksNothingReferredToForAnHourAndScratchNobodyHolds() throws Exception {
        byte[] big = random(CHUNK + 1000);
        BlobId kept, orphan, young;
        try (SqlMailStore first = open()) {
            first.recovery().get(10, TimeUnit.SECONDS);
            long a = newAccount(first, "alice@example.com");
            long inbox = mailboxId(first, a, "INBOX");
            kept = write(first.blobs(), big);
            first.write(a, tx -> tx.append(inbox, new NewMessage(kept, big.length, Flags.NONE, Instant.now(), null)));
            orphan = write(first.blobs(), big);
            BlobStore.BlobWriter died = first.blobs().create(); // a process killed mid-write: never closed
            died.stream().write(random(2 * CHUNK));
            young = write(first.blobs(), big);
            ageChunksExcept(young);
            Files.write(dir.resolve("blobs/tmp/0123456789abcdef0123456789abcdef"), new byte[1234]); // dead scratch
        }
        try (LogCapture log = LogCapture.of("letterbox.store"); SqlMailStore second = open()) {
            LargeBlobStore.Swept swept = second.recovery().get(10, TimeUnit.SECONDS);
            assertEquals(new LargeBlobStore.Swept(1, 1234, 2, big.length + 2L * CHUNK), swept);
            assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("recovery: removed 1 partial blob (1.2 KB) and 2 unreferenced blobs (")),
                    log.lines().toString());
            assertTrue(second.blobs().exists(kept));
            try (InputStream in = second.blobs().open(kept)) {
                assertArrayEquals(big, in.readAllBytes(), "another node reads what the first wrote");
            }
            assertTrue(second.blobs().exists(young), "younger than an hour: a delivery may be about to refer to it");
            assertFalse(second.blobs().exists(orphan));
            assertEquals(4, chunkRows(null)[0], "two chunks each of the kept and the young blob");
        }
    }
}
