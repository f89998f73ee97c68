package dev.letterbox.delivery;

import dev.letterbox.store.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The client's message while it arrives and its checks run, before its final blobs are written with
 * the header fields that depend on the whole message in front. Small messages stay in memory; past
 * {@link #MEMORY_LIMIT} the bytes go to the blob store's scratch space (never synced: the spool
 * promises nothing, only the final blob does), removed by {@link #close()} or, after a crash, by the
 * store's recovery at the next start.
 */
final class MessageSpool extends OutputStream {
    static final int MEMORY_LIMIT = 256 * 1024;

    private final BlobStore blobs;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream(8192);
    private BlobStore.Scratch scratch;
    private long size;

    MessageSpool(BlobStore blobs) {
        this.blobs = blobs;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (scratch == null && memory.size() + len > MEMORY_LIMIT) spill();
        if (scratch != null) scratch.stream().write(b, off, len);
        else memory.write(b, off, len);
        size += len;
    }

    private void spill() throws IOException {
        scratch = blobs.scratch();
        memory.writeTo(scratch.stream());
        memory = null;
    }

    long size() {
        return size;
    }

    /** The spooled bytes from the start; call after the last write. */
    InputStream open() throws IOException {
        if (scratch == null) return new ByteArrayInputStream(memory.toByteArray());
        return scratch.open();
    }

    /** Copies the spooled bytes to {@code out}, from memory without a copy when they are there. */
    void copyTo(OutputStream out) throws IOException {
        if (scratch == null) {
            memory.writeTo(out);
            return;
        }
        try (InputStream in = open()) {
            in.transferTo(out);
        }
    }

    /** Copies the spooled bytes from offset {@code from} on to {@code out}. */
    void copyTo(OutputStream out, long from) throws IOException {
        try (InputStream in = open()) {
            in.skipNBytes(from);
            in.transferTo(out);
        }
    }

    /** The first {@code n} spooled bytes. */
    byte[] head(int n) throws IOException {
        try (InputStream in = open()) {
            return in.readNBytes(n);
        }
    }

    /** Drops the bytes; scratch space, if any, is given back. Safe to call more than once. */
    @Override
    public void close() {
        memory = null;
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
    }
}
