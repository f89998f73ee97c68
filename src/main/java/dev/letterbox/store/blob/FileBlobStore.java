package dev.letterbox.store.blob;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;

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
import java.security.SecureRandom;
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
 * <p>Thread-safe: writers are independent and committed files are never modified.
 */
public final class FileBlobStore implements BlobStore {
    private static final System.Logger LOG = System.getLogger("letterbox.store");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern BLOB_NAME = Pattern.compile("[A-Za-z0-9_-]{8,64}");
    private static final boolean CAN_SYNC_DIRECTORIES =
            !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    /** Bytes buffered before they reach the file; small, since the writer lives for one message. */
    private static final int BUFFER = 16 * 1024;

    private final Path root;
    private final Path tmp;

    /** Opens (creating when needed) the blob directories under {@code root}. */
    public FileBlobStore(Path root) throws IOException {
        this.root = root;
        this.tmp = root.resolve("tmp");
        Files.createDirectories(tmp);
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

    @Override
    public BlobWriter create() throws IOException {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String id = HEX.formatHex(random);
        Path temp = tmp.resolve(id);
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new FileBlobWriter(id, temp, channel);
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
     * Removes what a crash can leave behind: temporary files, and committed blobs nothing refers
     * to, both only when last modified before {@code olderThan} (younger ones may belong to a
     * delivery in progress, here or in another process). Stops early when the thread is interrupted.
     *
     * @return the number of files deleted
     */
    public int sweep(Predicate<BlobId> referenced, Instant olderThan) throws IOException {
        int deleted = 0;
        deleted += sweepDirectory(tmp, name -> true, olderThan);
        for (int i = 0; i < 256 && !Thread.currentThread().isInterrupted(); i++) {
            deleted += sweepDirectory(root.resolve(HEX.toHexDigits((byte) i)),
                    name -> isBlobName(name) && !referenced.test(new BlobId(name)), olderThan);
        }
        return deleted;
    }

    private static boolean isBlobName(String name) {
        return BLOB_NAME.matcher(name).matches();
    }

    private static int sweepDirectory(Path dir, Predicate<String> deletable, Instant olderThan) throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (Thread.currentThread().isInterrupted()) break;
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (!attrs.isRegularFile() || !attrs.lastModifiedTime().toInstant().isBefore(olderThan)) continue;
                if (deletable.test(file.getFileName().toString()) && Files.deleteIfExists(file)) {
                    LOG.log(System.Logger.Level.INFO, "removed orphaned blob file {0}", file);
                    deleted++;
                }
            }
        }
        return deleted;
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
        private final Path temp;
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        private final OutputStream stream = new BlobOutput();
        private long written;
        private boolean committed;
        private boolean discarded;

        FileBlobWriter(String id, Path temp, FileChannel channel) {
            this.id = id;
            this.temp = temp;
            this.channel = channel;
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
            if (committed) return new BlobId(id);
            ensureWritable();
            try {
                drain();
                channel.force(true);
                channel.close();
                Path target = path(new BlobId(id));
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(target.getParent());
                committed = true;
                return new BlobId(id);
            } catch (IOException | RuntimeException e) {
                discard();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            if (!committed) discard();
        }

        private void discard() throws IOException {
            if (discarded) return;
            discarded = true;
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(temp);
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
