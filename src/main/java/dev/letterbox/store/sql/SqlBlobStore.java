package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.blob.LargeBlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store's blobs: small ones (up to {@link #INLINE_LIMIT}) live in the {@code blob} row that
 * refers to them, big ones in the configured {@link LargeBlobStore}: files, or chunks in the
 * database ({@code [store] blobs}).
 *
 * <p>Why: a file costs two fsyncs of its own (the file and its directory) before the transaction
 * that refers to it, and fsyncs are what limits how fast mail is taken. A small body written into
 * its row is made durable by that transaction's commit, whose fsync group commit shares among all
 * concurrent deliveries.
 *
 * <p>Lifecycle of a small blob: {@link BlobWriter#commit()} keeps the bytes in memory ("staged") and
 * returns an id starting with {@code i}; the first write unit that refers to the id stores the bytes
 * in the row ({@link #stagedContent}); once that unit is committed the staged copy is dropped
 * ({@link #persisted}). A staged blob nobody refers to is dropped by {@link #delete} or, at the
 * latest, after {@link #STAGING_LIMIT} (blobs must be referred to within an hour anyway).
 */
final class SqlBlobStore implements BlobStore {
    static final int INLINE_LIMIT = 128 * 1024;
    private static final Duration STAGING_LIMIT = Duration.ofHours(1);
    private static final char INLINE_PREFIX = 'i';
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private record Staged(byte[] bytes, long stagedNanos) {}

    private final LargeBlobStore large;
    private final ReadPool reads;
    private final int inlineLimit;
    private final BlobCache cache = new BlobCache(BlobCache.defaultBudget());
    private final ConcurrentHashMap<String, Staged> staged = new ConcurrentHashMap<>();
    private final AtomicInteger createdSincePurge = new AtomicInteger();

    /** {@code inlineLimit}: the biggest blob kept in its row ({@link #INLINE_LIMIT}; smaller in tests). */
    SqlBlobStore(LargeBlobStore large, ReadPool reads, int inlineLimit) {
        this.large = large;
        this.reads = reads;
        this.inlineLimit = inlineLimit;
    }

    LargeBlobStore large() {
        return large;
    }

    /** This node's memory of small blobs' bytes and of every blob's structure (never stale: blobs never change). */
    BlobCache cache() {
        return cache;
    }

    @Override
    public Scratch scratch() throws IOException {
        return large.scratch();
    }

    static boolean isInline(BlobId id) {
        return id.value().charAt(0) == INLINE_PREFIX;
    }

    @Override
    public BlobWriter create() {
        if (createdSincePurge.incrementAndGet() % 1024 == 0) purgeAbandoned();
        return new SpillingWriter();
    }

    @Override
    public InputStream open(BlobId id) throws IOException {
        return isInline(id) ? new ByteArrayInputStream(inlineBytes(id)) : large.open(id);
    }

    @Override
    public SeekableByteChannel openChannel(BlobId id) throws IOException {
        return isInline(id) ? new BytesChannel(inlineBytes(id)) : large.openChannel(id);
    }

    @Override
    public long size(BlobId id) throws IOException {
        if (!isInline(id)) return large.size(id);
        Staged s = staged.get(id.value());
        if (s != null) return s.bytes.length;
        return reads.read(db -> db.firstLong("SELECT size FROM blob WHERE id = ? AND content IS NOT NULL", id.value()))
                .orElseThrow(() -> new NoSuchFileException("blob " + id));
    }

    @Override
    public boolean exists(BlobId id) {
        if (!isInline(id)) return large.exists(id);
        return staged.containsKey(id.value())
                || reads.read(db -> db.firstLong("SELECT 1 FROM blob WHERE id = ? AND content IS NOT NULL", id.value())).isPresent();
    }

    /**
     * Forgets a blob its creator never got stored: a staged small blob is dropped; a large one is removed
     * only while no row refers to it, so a caller that asks by mistake (say, for a blob the queue
     * holds) can never destroy stored mail. Rows go with their last reference, in the store.
     */
    @Override
    public void delete(BlobId id) throws IOException {
        if (isInline(id)) {
            staged.remove(id.value());
            return;
        }
        boolean referenced = reads.read(db -> BlobRefs.hasRow(db, id.value()));
        if (!referenced) large.delete(id);
    }

    /** The writer's path: the last reference went in a committed unit and it checked the row is still gone. */
    void deleteFreed(BlobId id) throws IOException {
        if (!isInline(id)) large.delete(id);
    }

    /** The bytes a write unit must store in the blob's row, or null (a large blob, or already stored). */
    byte[] stagedContent(BlobId id) {
        if (!isInline(id)) return null;
        Staged s = staged.get(id.value());
        return s == null ? null : s.bytes;
    }

    /** The size of a blob as the writer thread sees it: staged, in its own transaction's rows, or large. */
    long sizeForWriter(SqlSession db, BlobId id) throws IOException {
        if (!isInline(id)) return large.size(id);
        Staged s = staged.get(id.value());
        if (s != null) return s.bytes.length;
        return db.firstLong("SELECT size FROM blob WHERE id = ? AND content IS NOT NULL", id.value())
                .orElseThrow(() -> new NoSuchFileException("blob " + id));
    }

    /** How many small blobs are held in memory now, waiting for their row (tests). */
    int stagedCount() {
        return staged.size();
    }

    /**
     * After a commit: the staged copies of blobs now in committed rows are no longer needed as such;
     * their bytes go to the cache, since a message just stored is the one clients fetch next (an
     * IMAP client after its APPEND, every IDLE client after a delivery): no read of the row for that.
     */
    void persisted(Iterable<BlobId> ids) {
        for (BlobId id : ids) {
            Staged s = staged.remove(id.value());
            if (s != null) cache.putContent(id.value(), s.bytes);
        }
    }

    /** The bytes of a small blob: staged, remembered, or read in one statement (and then remembered). */
    private byte[] inlineBytes(BlobId id) throws IOException {
        Staged s = staged.get(id.value());
        if (s != null) return s.bytes;
        byte[] known = cache.content(id.value());
        if (known != null) return known;
        byte[] read = reads.readOne(db -> db.first("SELECT content FROM blob WHERE id = ? AND content IS NOT NULL",
                rs -> rs.getBytes(1), id.value())).orElseThrow(() -> new NoSuchFileException("blob " + id));
        cache.putContent(id.value(), read);
        return read;
    }

    private void purgeAbandoned() {
        long cutoff = System.nanoTime() - STAGING_LIMIT.toNanos();
        staged.values().removeIf(s -> s.stagedNanos - cutoff < 0);
    }

    /**
     * Buffers in memory; past the inline limit it moves what it has into a writer of the large blob
     * store and streams the rest there, so a large message is never held whole in memory.
     */
    private final class SpillingWriter implements BlobWriter {
        private ByteArrayOutputStream memory = new ByteArrayOutputStream(8192);
        private BlobWriter spilled;
        private long written;
        private boolean done;
        private BlobId committed;
        private final OutputStream stream = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (done) throw new IOException("blob writer is already committed or closed");
                if (spilled == null && memory.size() + len > inlineLimit) spill();
                if (spilled != null) spilled.stream().write(b, off, len);
                else memory.write(b, off, len);
                written += len;
            }

            @Override
            public void flush() throws IOException {
                if (spilled != null && !done) spilled.stream().flush();
            }
        };

        private void spill() throws IOException {
            spilled = large.create();
            memory.writeTo(spilled.stream());
            memory = null;
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public long bytesWritten() {
            return written;
        }

        @Override
        public BlobId commit() throws IOException {
            if (committed != null) return committed;
            if (done) throw new IOException("blob writer is already closed");
            done = true;
            if (spilled != null) {
                committed = spilled.commit();
                return committed;
            }
            byte[] random = new byte[16];
            RANDOM.nextBytes(random);
            committed = new BlobId(INLINE_PREFIX + HEX.formatHex(random));
            staged.put(committed.value(), new Staged(memory.toByteArray(), System.nanoTime()));
            memory = null;
            return committed;
        }

        @Override
        public void close() throws IOException {
            if (committed != null) return;
            done = true;
            memory = null;
            if (spilled != null) spilled.close();
        }
    }
}
