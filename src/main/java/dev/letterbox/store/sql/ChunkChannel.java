package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * Reads a blob kept in chunks ({@link DatabaseBlobStore}), fetching the chunk that holds the
 * position when a read reaches it. At most one chunk is held, and only until it is read to its end,
 * so an open channel waiting on a slow client holds no message bytes.
 */
final class ChunkChannel implements SeekableByteChannel {
    private final DatabaseBlobStore store;
    private final BlobId id;
    private final long size;
    private long position;
    private DatabaseBlobStore.Chunk chunk;
    private boolean open = true;

    ChunkChannel(DatabaseBlobStore store, BlobId id, long size) {
        this.store = store;
        this.id = id;
        this.size = size;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (position >= size) return -1;
        if (!dst.hasRemaining()) return 0;
        if (chunk == null || position < chunk.start() || position >= chunk.end()) {
            chunk = store.chunkAt(id, position);
            if (chunk == null) throw new IOException("blob " + id + " has no bytes at " + position + " (deleted while being read?)");
        }
        int from = (int) (position - chunk.start());
        int n = Math.min(dst.remaining(), chunk.bytes().length - from);
        dst.put(chunk.bytes(), from, n);
        position += n;
        if (position >= chunk.end()) chunk = null;
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) throw new IllegalArgumentException("negative position");
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
        chunk = null;
    }

    private void ensureOpen() throws IOException {
        if (!open) throw new ClosedChannelException();
    }
}
