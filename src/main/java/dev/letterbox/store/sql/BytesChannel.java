package dev.letterbox.store.sql;

import java.nio.ByteBuffer;

/** A read-only channel over bytes held in memory (a blob kept in the database). */
final class BytesChannel extends ReadOnlyChannel {
    private final byte[] bytes;

    BytesChannel(byte[] bytes) {
        super(bytes.length);
        this.bytes = bytes;
    }

    @Override
    int readAt(long position, ByteBuffer dst) {
        int n = (int) Math.min(dst.remaining(), bytes.length - position);
        dst.put(bytes, (int) position, n);
        return n;
    }
}
