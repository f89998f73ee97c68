package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads a blob kept in chunks ({@link DatabaseBlobStore}), fetching the chunk that holds the
 * position when a read reaches it. At most one chunk is held, and only until it is read to its end,
 * so an open channel waiting on a slow client holds no message bytes.
 */
final class ChunkChannel extends ReadOnlyChannel {
    private final DatabaseBlobStore store;
    private final BlobId id;
    private DatabaseBlobStore.Chunk chunk;

    ChunkChannel(DatabaseBlobStore store, BlobId id, long size) {
        super(size);
        this.store = store;
        this.id = id;
    }

    @Override
    int readAt(long position, ByteBuffer dst) throws IOException {
        if (chunk == null || position < chunk.start() || position >= chunk.end()) {
            chunk = store.chunkAt(id, position);
            if (chunk == null) throw new IOException("blob " + id + " has no bytes at " + position + " (deleted while being read?)");
        }
        int from = (int) (position - chunk.start());
        int n = Math.min(dst.remaining(), chunk.bytes().length - from);
        dst.put(chunk.bytes(), from, n);
        if (position + n >= chunk.end()) chunk = null;
        return n;
    }

    @Override
    public void close() {
        super.close();
        chunk = null;
    }
}
