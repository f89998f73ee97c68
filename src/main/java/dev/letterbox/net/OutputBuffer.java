package dev.letterbox.net;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The write side of a connection: a buffered stream that any thread may use. Every call takes the
 * connection's write lock, so one {@code write} or {@code flush} is never interleaved with another
 * thread's; composing a multi-part response atomically is the protocol's business.
 *
 * <p>Buffer lifecycle: no array while nothing is pending; the first write allocates a small one, it
 * doubles up to {@value #MAX_CAPACITY} bytes, and beyond that the bytes go down to the transport
 * (so a large response streams instead of piling up). {@link #flush} sends everything and drops
 * the array, so an idle connection holds no output buffer. A full-size array dropped that way goes
 * to a small pool shared by all connections, and the next response of any connection starts in it:
 * a busy session then writes through one array instead of growing a new one for each response
 * (which was a quarter of what an IMAP server under load allocated).
 */
final class OutputBuffer extends OutputStream {
    private static final int FIRST_CAPACITY = 512;
    static final int MAX_CAPACITY = 16 * 1024;
    /** Full-size arrays waiting for their next response: at most this many (1 MiB). */
    private static final ArrayBlockingQueue<byte[]> SPARE = new ArrayBlockingQueue<>(64);

    private final ReentrantLock writeLock;
    private Transport transport;
    private byte[] buf;
    private int count;
    private boolean closed;

    OutputBuffer(ReentrantLock writeLock, Transport transport) {
        this.writeLock = writeLock;
        this.transport = transport;
    }

    /** Write lock held by the caller (STARTTLS, COMPRESS). */
    void setTransport(Transport transport) {
        this.transport = transport;
    }

    /** Write lock held by the caller: later writes fail instead of touching a released transport. */
    void markClosed() {
        closed = true;
        buf = null;
        count = 0;
    }

    int capacity() {
        byte[] current = buf;
        return current == null ? 0 : current.length;
    }

    boolean isEmpty() {
        return count == 0;
    }

    @Override
    public void write(int b) throws IOException {
        writeLock.lock();
        try {
            ensureOpen();
            if (buf == null || count == buf.length) {
                makeRoom(1);
            }
            buf[count++] = (byte) b;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        writeLock.lock();
        try {
            ensureOpen();
            if (len >= MAX_CAPACITY) {
                // a big chunk: push what is pending, then hand the caller's array straight down
                drain();
                transport.write(b, off, len);
                return;
            }
            if (buf == null || buf.length - count < len) {
                makeRoom(len);
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        writeLock.lock();
        try {
            ensureOpen();
            drain();
            transport.flush();
            if (buf != null && buf.length == MAX_CAPACITY) SPARE.offer(buf);
            buf = null;
        } finally {
            writeLock.unlock();
        }
    }

    /** Same as {@link #flush}: closing a view of the output must not end the session. */
    @Override
    public void close() throws IOException {
        flush();
    }

    /** Grows the array for {@code len} more bytes, or drains it when it is as big as it gets. */
    private void makeRoom(int len) throws IOException {
        if (buf == null) {
            buf = SPARE.poll();
            if (buf != null) return; // count is 0 and len < MAX_CAPACITY: it fits
        }
        int needed = count + len;
        if (needed > MAX_CAPACITY) {
            drain();
            needed = len;
        }
        int capacity = buf == null ? FIRST_CAPACITY : buf.length;
        while (capacity < needed) {
            capacity *= 2;
        }
        if (buf == null || capacity > buf.length) {
            byte[] grown = new byte[Math.min(capacity, MAX_CAPACITY)];
            if (count > 0) {
                System.arraycopy(buf, 0, grown, 0, count);
            }
            buf = grown;
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            int n = count;
            count = 0; // on failure the bytes are lost either way: the connection is broken
            transport.write(buf, 0, n);
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }
}
