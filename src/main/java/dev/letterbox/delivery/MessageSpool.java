package dev.letterbox.delivery;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The client's message while it arrives and its checks run, before its final blobs are written with
 * the header fields that depend on the whole message in front. Small messages stay in memory; past
 * {@link #MEMORY_LIMIT} the bytes go to a temporary file in the spool directory, never fsynced (the
 * spool promises nothing: only the final blob does) and removed by {@link #close()} or, after a
 * crash, at the next start.
 */
final class MessageSpool extends OutputStream {
    static final int MEMORY_LIMIT = 256 * 1024;

    private final Path dir;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream(8192);
    private Path file;
    private OutputStream fileOut;
    private long size;

    /** @param dir where a message too big for memory is spooled */
    MessageSpool(Path dir) {
        this.dir = dir;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (fileOut == null && memory.size() + len > MEMORY_LIMIT) spill();
        if (fileOut != null) fileOut.write(b, off, len);
        else memory.write(b, off, len);
        size += len;
    }

    private void spill() throws IOException {
        Files.createDirectories(dir);
        file = Files.createTempFile(dir, "msg", ".spool");
        fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.WRITE), 64 * 1024);
        memory.writeTo(fileOut);
        memory = null;
    }

    long size() {
        return size;
    }

    /** The spooled bytes from the start; call after the last write. */
    InputStream open() throws IOException {
        if (fileOut == null) return new ByteArrayInputStream(memory.toByteArray());
        fileOut.flush();
        return Channels.newInputStream(FileChannel.open(file, StandardOpenOption.READ));
    }

    /** Copies the spooled bytes to {@code out}, from memory without a copy when they are there. */
    void copyTo(OutputStream out) throws IOException {
        if (fileOut == null) {
            memory.writeTo(out);
            return;
        }
        try (InputStream in = open()) {
            in.transferTo(out);
        }
    }

    /** Drops the bytes; the temporary file, if any, is deleted. Safe to call more than once. */
    @Override
    public void close() {
        memory = null;
        if (file != null) {
            try {
                fileOut.close();
            } catch (IOException ignored) {
                // the file is deleted next
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // left for the start-up sweep of the spool directory
            }
            file = null;
        }
    }

    /** Removes what a crash left in the spool directory (nothing refers to it); returns how many files. */
    static int sweep(Path dir) {
        if (!Files.isDirectory(dir)) return 0;
        int removed = 0;
        try (var files = Files.newDirectoryStream(dir, "*.spool")) {
            for (Path p : files) {
                if (Files.deleteIfExists(p)) removed++;
            }
        } catch (IOException e) {
            // a spool file we cannot list or remove is harmless: it is never read again
        }
        return removed;
    }
}
