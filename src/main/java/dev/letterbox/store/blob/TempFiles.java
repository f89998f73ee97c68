package dev.letterbox.store.blob;

import dev.letterbox.store.BlobStore;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A directory of temporary files, each locked (an OS file lock) by its writer from creation until
 * it is released, so {@link #sweep} — run when a store opens, maybe while another process (the
 * server, a {@code letterbox deliver}) is writing — removes exactly the files nobody is writing:
 * those of a process that died. Holds the partial blobs of {@link FileBlobStore} and the scratch
 * files of every store ({@link BlobStore#scratch()}), whichever backend keeps the blobs.
 *
 * <p>Thread-safe.
 */
public final class TempFiles {
    private static final System.Logger LOG = System.getLogger("letterbox.store");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    /** Tries at claiming a fresh file when a sweep in another process takes the first ones. */
    private static final int CLAIM_ATTEMPTS = 3;
    /**
     * Files this JVM is writing, by absolute path, added before the file exists. POSIX locks belong
     * to the process and closing <em>any</em> descriptor of a file drops them all, so a sweep must
     * never open a file its own process writes: it checks here first.
     */
    private static final Set<Path> WRITING = ConcurrentHashMap.newKeySet();

    private final Path dir;

    /** Opens (creating when needed) the directory. */
    public TempFiles(Path dir) throws IOException {
        // the real path: WRITING must name a file the same way however the data dir was spelled
        this.dir = Files.createDirectories(dir).toRealPath();
    }

    /** A claimed file: its name (128 random bits in hex), path and open, locked channel. */
    record Claimed(String name, Path path, FileChannel channel) {
        /** Closes the channel (dropping the lock) without deleting the file. */
        void release() throws IOException {
            TempFiles.release(path, channel);
        }
    }

    /**
     * A new file, created and locked. Another process's sweep may take a file between its creation
     * and our lock (it locks, then deletes it); we see that and claim a fresh one.
     */
    Claimed claim(boolean readable) throws IOException {
        for (int attempt = 1; ; attempt++) {
            byte[] random = new byte[16];
            RANDOM.nextBytes(random);
            String name = HEX.formatHex(random);
            Path temp = dir.resolve(name);
            WRITING.add(temp);
            FileChannel channel = null;
            try {
                channel = readable
                        ? FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ)
                        : FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock != null && Files.exists(temp)) return new Claimed(name, temp, channel);
            } catch (IOException | RuntimeException e) {
                release(temp, channel);
                throw e;
            }
            release(temp, channel);
            if (attempt == CLAIM_ATTEMPTS) throw new IOException("cannot claim a temporary file in " + dir);
        }
    }

    /** A locked temporary file opened for reading too; see {@link BlobStore#scratch()}. */
    public BlobStore.Scratch scratch() throws IOException {
        Claimed c = claim(true);
        return new FileScratch(c.path(), c.channel());
    }

    private static void release(Path temp, FileChannel channel) throws IOException {
        try {
            if (channel != null) channel.close();
        } finally {
            WRITING.remove(temp);
        }
    }

    /** How many files a {@link #sweep} removed, and their bytes. */
    public record Removed(int files, long bytes) {}

    /**
     * Deletes every file nobody holds locked, whatever its age (a live writer, in this process or
     * another, holds its lock). Stops early when the thread is interrupted.
     */
    public Removed sweep() throws IOException {
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
                if (!attrs.isRegularFile()) continue;
                long size = deleteUnlessLocked(file.toAbsolutePath());
                if (size >= 0) {
                    LOG.log(System.Logger.Level.DEBUG, "removed temporary file {0} ({1} bytes)", file, size);
                    files++;
                    bytes += size;
                }
            }
        }
        return new Removed((int) files, bytes);
    }

    /**
     * Deletes a file unless a writer holds it; returns its size, or -1 when it was kept or already
     * gone. The file is deleted while we hold its lock, so a writer that created it a moment ago and
     * has not locked it yet finds it gone once it has the lock, and starts another.
     */
    private static long deleteUnlessLocked(Path file) throws IOException {
        if (WRITING.contains(file)) return -1;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                return -1;
            }
            if (lock == null) return -1;
            long size = channel.size();
            return Files.deleteIfExists(file) ? size : -1;
        } catch (NoSuchFileException gone) {
            return -1;
        }
    }

    /**
     * Scratch bytes in a locked temporary file. Reads go through the same channel at explicit
     * positions: opening a second descriptor and closing it would drop the process's lock.
     */
    private static final class FileScratch implements BlobStore.Scratch {
        private final Path temp;
        private final FileChannel channel;
        private final OutputStream stream;
        private boolean closed;

        FileScratch(Path temp, FileChannel channel) {
            this.temp = temp;
            this.channel = channel;
            this.stream = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024) {
                @Override
                public void close() throws IOException {
                    flush(); // the channel stays open until the scratch is closed
                }
            };
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public InputStream open() throws IOException {
            stream.flush();
            return new InputStream() {
                private long position;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) return 0;
                    int n = channel.read(ByteBuffer.wrap(b, off, len), position);
                    if (n > 0) position += n;
                    return n;
                }

                @Override
                public long skip(long n) {
                    long skipped = Math.max(0, n);
                    position += skipped;
                    return skipped;
                }
            };
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // left for the next start's recovery
            }
            try {
                release(temp, channel);
            } catch (IOException e) {
                // the file is gone or will be swept
            }
        }
    }
}
