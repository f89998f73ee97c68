package dev.letterbox.store.blob;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.DurabilityHooks;
import dev.letterbox.store.DurabilityHooks.Sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Blobs as files: {@code root/xx/<id>}, where {@code <id>} is 128 random bits in lower-case hex and
 * {@code xx} its first two characters (256 directories, so no directory grows huge). A blob is
 * written to {@code root/tmp/} first; {@link BlobWriter#commit()} fsyncs it, renames it into place
 * atomically and fsyncs the directory, so a committed blob survives a crash and an uncommitted one
 * never appears under its final name.
 *
 * <p>A writer holds an OS lock on its temporary file from creation until it is renamed or discarded
 * ({@link TempFiles}), so {@link #sweep} — run when a store opens, maybe while another process (the
 * server, a {@code letterbox deliver}) is writing — removes exactly the temporary files nobody is
 * writing: the partial blobs of a process that died.
 *
 * <p>Thread-safe: writers are independent and committed files are never modified.
 */
public final class FileBlobStore implements LargeBlobStore {
    private static final System.Logger LOG = System.getLogger("letterbox.store");
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern BLOB_NAME = Pattern.compile("[A-Za-z0-9_-]{8,64}");
    private static final boolean CAN_SYNC_DIRECTORIES =
            !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    /** Bytes buffered before they reach the file; small, since the writer lives for one message. */
    private static final int BUFFER = 16 * 1024;

    private final Path root;
    private final TempFiles tmp;
    private final DurabilityHooks hooks;

    /** Opens (creating when needed) the blob directories under {@code root}. */
    public FileBlobStore(Path root) throws IOException {
        this(root, DurabilityHooks.NONE);
    }

    /** As {@link #FileBlobStore(Path)}, telling {@code hooks} about every fsync (see {@link DurabilityHooks}). */
    public FileBlobStore(Path root, DurabilityHooks hooks) throws IOException {
        this.root = root;
        this.hooks = hooks;
        this.tmp = new TempFiles(root.resolve("tmp"));
        boolean created = false;
        for (int i = 0; i < 256; i++) {
            Path dir = root.resolve(HEX.toHexDigits((byte) i));
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                created = true;
            }
        }
        if (created) syncDirectory(root);
    }

    /** A new blob's temporary file, created and locked (see {@link TempFiles#claim}). */
    @Override
    public BlobWriter create() throws IOException {
        return new FileBlobWriter(tmp.claim(false));
    }

    /** A locked temporary file in {@code tmp/}; see {@link BlobStore#scratch()}. */
    @Override
    public Scratch scratch() throws IOException {
        return tmp.scratch();
    }

    @Override
    public InputStream open(BlobId id) throws IOException {
        return Files.newInputStream(path(id));
    }

    @Override
    public SeekableByteChannel openChannel(BlobId id) throws IOException {
        return FileChannel.open(path(id), StandardOpenOption.READ);
    }

    @Override
    public long size(BlobId id) throws IOException {
        return Files.size(path(id));
    }

    @Override
    public boolean exists(BlobId id) {
        return Files.isRegularFile(path(id));
    }

    @Override
    public void delete(BlobId id) throws IOException {
        Files.deleteIfExists(path(id));
    }

    /** Where a blob's file lives (whether or not it exists). */
    public Path path(BlobId id) {
        String v = id.value();
        return root.resolve(v.substring(0, 2).toLowerCase(Locale.ROOT)).resolve(v);
    }

    /**
     * Removes what a crash can leave behind. Temporary files are partial blobs: each one nobody holds
     * locked goes, whatever its age (a live writer, in this process or another, holds its lock).
     * A committed blob nothing refers to goes only when last modified before {@code olderThan}: a
     * younger one may belong to a delivery about to refer to it, here or in another process. Stops
     * early when the thread is interrupted.
     */
    @Override
    public Swept sweep(Predicate<BlobId> referenced, Instant olderThan) throws IOException {
        TempFiles.Removed partial = tmp.sweep();
        long[] unreferenced = {0, 0};
        for (int i = 0; i < 256 && !Thread.currentThread().isInterrupted(); i++) {
            long[] n = sweepDirectory(root.resolve(HEX.toHexDigits((byte) i)),
                    name -> isBlobName(name) && !referenced.test(new BlobId(name)), olderThan);
            unreferenced[0] += n[0];
            unreferenced[1] += n[1];
        }
        return new Swept(partial.files(), partial.bytes(), (int) unreferenced[0], unreferenced[1]);
    }

    private static boolean isBlobName(String name) {
        return BLOB_NAME.matcher(name).matches();
    }

    /** Deletes the old enough, deletable regular files of {@code dir}; returns {files, bytes}. */
    private static long[] sweepDirectory(Path dir, Predicate<String> deletable, Instant olderThan) throws IOException {
        long files = 0, bytes = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path file : entries) {
                if (Thread.currentThread().isInterrupted()) break;
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (!attrs.isRegularFile() || !attrs.lastModifiedTime().toInstant().isBefore(olderThan)) continue;
                if (!deletable.test(file.getFileName().toString())) continue;
                long size = delete(file, attrs.size());
                if (size >= 0) {
                    LOG.log(System.Logger.Level.DEBUG, "removed blob file {0} ({1} bytes)", file, size);
                    files++;
                    bytes += size;
                }
            }
        }
        return new long[] {files, bytes};
    }

    private static long delete(Path file, long size) throws IOException {
        return Files.deleteIfExists(file) ? size : -1;
    }

    /** Forces a blob file's bytes to disk, telling the hooks (tests count these). */
    private void forceFile(FileChannel channel) throws IOException {
        hooks.beforeSync(Sync.BLOB_FILE);
        channel.force(true);
        hooks.synced(Sync.BLOB_FILE);
    }

    /** Makes a rename into {@code dir} durable, telling the hooks (tests count these). */
    private void forceDirectory(Path dir) throws IOException {
        hooks.beforeSync(Sync.BLOB_DIRECTORY);
        syncDirectory(dir);
        hooks.synced(Sync.BLOB_DIRECTORY);
    }

    /** Makes a rename or creation inside {@code dir} durable (POSIX needs the directory fsynced). */
    private static void syncDirectory(Path dir) throws IOException {
        if (!CAN_SYNC_DIRECTORIES) return;
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private final class FileBlobWriter implements BlobWriter {
        private final String id;
        private final TempFiles.Claimed temp;
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        private final OutputStream stream = new BlobOutput();
        private long written;
        private boolean committed;
        private boolean discarded;

        FileBlobWriter(TempFiles.Claimed temp) {
            this.id = temp.name();
            this.temp = temp;
            this.channel = temp.channel();
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public long bytesWritten() {
            return written;
        }

        /**
         * Forces the bytes, renames the file into place (still holding its lock, so no sweep can take
         * it in between) and forces the directory. On any failure nothing is left: neither the
         * temporary file nor, when the rename happened, the file under its final name.
         */
        @Override
        public BlobId commit() throws IOException {
            if (committed) return new BlobId(id);
            ensureWritable();
            Path target = path(new BlobId(id));
            boolean moved = false;
            try {
                drain();
                forceFile(channel);
                Files.move(temp.path(), target, StandardCopyOption.ATOMIC_MOVE);
                moved = true;
                forceDirectory(target.getParent());
                committed = true;
            } catch (IOException | RuntimeException e) {
                try {
                    discard();
                    if (moved) Files.deleteIfExists(target);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            try {
                temp.release();
            } catch (IOException e) {
                // the bytes and the name are on disk already; a failed close cannot undo that
                LOG.log(System.Logger.Level.WARNING, "closing committed blob file {0} failed: {1}", target, e.toString());
            }
            return new BlobId(id);
        }

        @Override
        public void close() throws IOException {
            if (!committed) discard();
        }

        /** Deletes the temporary file (while still holding its lock), then lets go of it. */
        private void discard() throws IOException {
            if (discarded) return;
            discarded = true;
            try {
                Files.deleteIfExists(temp.path());
            } finally {
                temp.release();
            }
        }

        private void drain() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) channel.write(buffer);
            buffer.clear();
        }

        private void ensureWritable() throws IOException {
            if (discarded || committed) throw new IOException("blob writer is already committed or closed");
        }

        /**
         * The bytes go through here. Closing this stream only flushes it: a caller that closes the
         * stream by habit (try-with-resources) must still be able to commit afterwards.
         */
        private final class BlobOutput extends OutputStream {
            @Override
            public void write(int b) throws IOException {
                ensureWritable();
                if (!buffer.hasRemaining()) drain();
                buffer.put((byte) b);
                written++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ensureWritable();
                Objects.checkFromIndexSize(off, len, b.length);
                while (len > 0) {
                    if (!buffer.hasRemaining()) drain();
                    int n = Math.min(len, buffer.remaining());
                    buffer.put(b, off, n);
                    off += n;
                    len -= n;
                    written += n;
                }
            }

            @Override
            public void flush() throws IOException {
                if (!discarded && !committed) drain();
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        }
    }
}
