package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.StoreException;
import dev.letterbox.store.blob.LargeBlobStore;
import dev.letterbox.store.blob.TempFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Big blobs as chunks in the database ({@code [store] blobs = "database"}): table {@code blob_chunk},
 * one row per {@link #chunkSize} bytes (the last one shorter), keyed by blob id and the offset of
 * the chunk's first byte. Streamed both ways: a writer holds one chunk, a reader one chunk, so a
 * 50 MB message never sits whole in memory, and a partial read fetches only the chunks it covers.
 *
 * <p>Durability: each chunk is inserted in a transaction of its own, committed on a connection of
 * the read pool (never the writer thread, which a slow client's upload must not hold up) before
 * the next one is taken, so when {@link BlobWriter#commit()} returns every byte is committed, ahead
 * of any transaction that refers to the blob, as {@link dev.letterbox.store.BlobStore} asks.
 *
 * <p>Lifecycle: chunks exist before the blob's row (which comes with its first reference) and go
 * after it: with the last reference ({@link #delete}, from the store's writer), when the writer is
 * closed uncommitted, or — a process that died mid-write, a delivery that failed and could not
 * clean up — by {@link #sweep} once an hour has passed without a row appearing.
 *
 * <p>A reader that outlives the grace period after the blob's last reference went (the message
 * was expunged by another session meanwhile) finds its remaining chunks gone and fails with an
 * {@link IOException}, where a file would have stayed readable until closed.
 *
 * <p>Scratch space stays local ({@link TempFiles}): it promises nothing, so it need not be shared.
 */
final class DatabaseBlobStore implements LargeBlobStore {
    static final int CHUNK_SIZE = 256 * 1024;
    /** Ids of blobs in chunks start with this; not a hex digit, so never the name of a blob file. */
    private static final char CHUNKED_PREFIX = 'k';
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    /** One fetched chunk: its bytes start at offset {@code start} of the blob. */
    record Chunk(long start, byte[] bytes) {
        long end() {
            return start + bytes.length;
        }
    }

    private final SessionSource sessions;
    private final TempFiles scratch;
    private final int chunkSize;
    private final AtomicLong chunksFetched = new AtomicLong();

    DatabaseBlobStore(SessionSource sessions, TempFiles scratch, int chunkSize) {
        if (chunkSize < 1) throw new IllegalArgumentException("chunk size " + chunkSize);
        this.sessions = sessions;
        this.scratch = scratch;
        this.chunkSize = chunkSize;
    }

    @Override
    public BlobWriter create() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return new ChunkWriter(new BlobId(CHUNKED_PREFIX + HEX.formatHex(random)));
    }

    @Override
    public InputStream open(BlobId id) throws IOException {
        return Channels.newInputStream(openChannel(id));
    }

    /** Learns the size now (so a missing blob fails here); fetches chunks as reads reach them. */
    @Override
    public SeekableByteChannel openChannel(BlobId id) throws IOException {
        return new ChunkChannel(this, id, size(id));
    }

    @Override
    public long size(BlobId id) throws IOException {
        return io(db -> db.firstLong("SELECT start + length(content) FROM blob_chunk WHERE blob_id = ? ORDER BY start DESC LIMIT 1",
                id.value())).orElseThrow(() -> new NoSuchFileException("blob " + id));
    }

    @Override
    public boolean exists(BlobId id) {
        return autocommit(db -> db.firstLong("SELECT 1 FROM blob_chunk WHERE blob_id = ? LIMIT 1", id.value())).isPresent();
    }

    /**
     * Deletes the blob's chunks, unless its {@code blob} row is there: checked in the same statement,
     * so a blob that something refers to again (on any node) keeps its bytes.
     */
    @Override
    public void delete(BlobId id) throws IOException {
        io(db -> db.update("DELETE FROM blob_chunk WHERE blob_id = ? AND NOT EXISTS (SELECT 1 FROM blob WHERE id = ?)",
                id.value(), id.value()));
    }

    @Override
    public Scratch scratch() throws IOException {
        return scratch.scratch();
    }

    /**
     * Partial blobs are the scratch files nobody holds; unreferenced blobs are the chunks of blobs
     * without a {@code blob} row none of whose chunks was written after {@code olderThan} (a writer
     * that died, a delivery that failed; a live writer keeps adding chunks). The row is looked up by
     * the deleting statement itself, so {@code referenced} is not needed.
     */
    @Override
    public Swept sweep(Predicate<BlobId> referenced, Instant olderThan) throws IOException {
        TempFiles.Removed partial = scratch.sweep();
        long cutoff = olderThan.toEpochMilli();
        record Orphan(String id, long bytes) {}
        List<Orphan> orphans = io(db -> db.list("SELECT c.blob_id, sum(length(c.content)) FROM blob_chunk c "
                        + "WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE b.id = c.blob_id) "
                        + "GROUP BY c.blob_id HAVING max(c.created) < ?",
                rs -> new Orphan(rs.getString(1), rs.getLong(2)), cutoff));
        int removed = 0;
        long bytes = 0;
        for (Orphan orphan : orphans) {
            if (Thread.currentThread().isInterrupted()) break;
            int rows = io(db -> db.update("DELETE FROM blob_chunk WHERE blob_id = ? "
                            + "AND NOT EXISTS (SELECT 1 FROM blob WHERE id = ?) "
                            + "AND NOT EXISTS (SELECT 1 FROM blob_chunk n WHERE n.blob_id = ? AND n.created >= ?)",
                    orphan.id(), orphan.id(), orphan.id(), cutoff));
            if (rows > 0) {
                removed++;
                bytes += orphan.bytes();
            }
        }
        return new Swept(partial.files(), partial.bytes(), removed, bytes);
    }

    /** The chunk holding byte {@code position} of the blob, or null when there is none. */
    Chunk chunkAt(BlobId id, long position) throws IOException {
        chunksFetched.incrementAndGet();
        Chunk c = io(db -> db.first("SELECT start, content FROM blob_chunk WHERE blob_id = ? AND start <= ? "
                        + "ORDER BY start DESC LIMIT 1",
                rs -> new Chunk(rs.getLong(1), rs.getBytes(2)), id.value(), position)).orElse(null);
        return c == null || position >= c.end() ? null : c;
    }

    /** Chunks fetched by readers so far (tests: a partial read fetches only what it covers). */
    long chunksFetched() {
        return chunksFetched.get();
    }

    int chunkSize() {
        return chunkSize;
    }

    /**
     * Runs one statement on a pooled connection outside any transaction: it commits on its own. (On
     * PostgreSQL a lone statement is its own transaction: a chunk read sees one snapshot.)
     */
    private <T> T autocommit(Function<SqlSession, T> work) {
        SqlSession db = sessions.acquire();
        try {
            return work.apply(db);
        } finally {
            sessions.release(db);
        }
    }

    /** {@link #autocommit}, for the {@link java.io}-shaped methods: a database failure is an I/O failure here. */
    private <T> T io(Function<SqlSession, T> work) throws IOException {
        try {
            return autocommit(work);
        } catch (StoreException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Fills one chunk in memory, inserts it (committed) once full, goes on with the next. Nothing of
     * the blob is visible by its id before {@link #commit()}: nobody has the id yet.
     */
    private final class ChunkWriter implements BlobWriter {
        private final BlobId id;
        private byte[] buffer; // allocated at the first byte; dropped at commit or close
        private int buffered;
        private long flushed; // bytes in committed chunks
        private boolean anyChunk;
        private boolean committed;
        private boolean closed;
        private final OutputStream stream = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                ensureWritable();
                while (len > 0) {
                    if (buffer == null) buffer = new byte[chunkSize];
                    int n = Math.min(len, chunkSize - buffered);
                    System.arraycopy(b, off, buffer, buffered, n);
                    buffered += n;
                    off += n;
                    len -= n;
                    if (buffered == chunkSize) insertChunk();
                }
            }

            /** Closing only flushes (nothing to do): a caller may still commit afterwards. */
            @Override
            public void close() {}
        };

        ChunkWriter(BlobId id) {
            this.id = id;
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public long bytesWritten() {
            return flushed + buffered;
        }

        /** Inserts what is buffered (an empty blob still gets its one, empty, chunk), then hands out the id. */
        @Override
        public BlobId commit() throws IOException {
            if (committed) return id;
            ensureWritable();
            try {
                if (buffered > 0 || !anyChunk) insertChunk();
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
            committed = true;
            buffer = null;
            return id;
        }

        private void insertChunk() throws IOException {
            byte[] content = buffer == null ? new byte[0] : buffered == buffer.length ? buffer : Arrays.copyOf(buffer, buffered);
            io(db -> db.update("INSERT INTO blob_chunk (blob_id, start, content, created) VALUES (?, ?, ?, ?)",
                    id.value(), flushed, content, System.currentTimeMillis()));
            anyChunk = true;
            flushed += buffered;
            buffered = 0;
        }

        private void ensureWritable() throws IOException {
            if (committed || closed) throw new IOException("blob writer is already committed or closed");
        }

        /** Discards an uncommitted blob: its chunks go now, or with the next start's sweep if that fails. */
        @Override
        public void close() throws IOException {
            if (committed || closed) return;
            closed = true;
            buffer = null;
            if (anyChunk) io(db -> db.update("DELETE FROM blob_chunk WHERE blob_id = ?", id.value()));
        }
    }
}
