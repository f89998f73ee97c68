package dev.letterbox.net;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The read side of a connection: bounded line reading and a raw stream over one buffer. Session
 * thread only.
 *
 * <p>Buffer lifecycle: each time the buffer runs dry it is re-sized by what is already waiting
 * below it. Nothing waiting means the next read may block for minutes (an IMAP IDLE), so the buffer
 * shrinks to {@value #IDLE_CAPACITY} bytes; data waiting means a bulk transfer, so it grows to
 * {@value #BULK_CAPACITY} bytes (one full TLS record decrypts straight into it). Only a single line
 * longer than that grows it further, up to the caller's line bound.
 */
final class InputBuffer {
    static final int IDLE_CAPACITY = 256;
    static final int BULK_CAPACITY = 17 * 1024;
    /** A raw read at least this large bypasses the buffer when it is empty. */
    private static final int DIRECT_READ = 4096;

    private Transport transport;
    private byte[] buf = new byte[IDLE_CAPACITY];
    private int pos;
    private int limit;
    private boolean eof;
    private final InputStream stream = new Stream();

    InputBuffer(Transport transport) {
        this.transport = transport;
    }

    void setTransport(Transport transport) {
        this.transport = transport;
    }

    InputStream stream() {
        return stream;
    }

    /** True when a read returns without blocking: bytes here or decoded bytes below. */
    boolean hasBufferedInput() {
        return pos < limit || transport.buffered() > 0;
    }

    int capacity() {
        return buf.length;
    }

    /** Drops everything buffered (STARTTLS: it arrived before the handshake, RFC 3207 §4.2). */
    void discard() {
        pos = 0;
        limit = 0;
        buf = new byte[IDLE_CAPACITY];
    }

    /** Removes and returns what is buffered (COMPRESS: those bytes are already compressed). */
    byte[] takeBuffered() {
        byte[] rest = Arrays.copyOfRange(buf, pos, limit);
        discard();
        return rest;
    }

    byte[] readLine(int maxLength) throws IOException {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive: " + maxLength);
        }
        int scanned = 0; // bytes after pos known to hold no LF
        while (true) {
            int lf = indexOfLf(pos + scanned, limit);
            if (lf >= 0) {
                int end = lf + 1;
                if (end - pos > maxLength) {
                    pos = end;
                    throw new LineTooLongException(maxLength);
                }
                byte[] line = Arrays.copyOfRange(buf, pos, end);
                pos = end;
                return line;
            }
            scanned = limit - pos;
            if (scanned >= maxLength) {
                // at least maxLength bytes and no LF yet: the terminator would take it over the bound
                skipThroughLf();
                throw new LineTooLongException(maxLength);
            }
            if (!fill()) {
                if (scanned == 0) {
                    return null;
                }
                byte[] last = Arrays.copyOfRange(buf, pos, limit);
                pos = limit;
                return last;
            }
        }
    }

    private void skipThroughLf() throws IOException {
        while (true) {
            int lf = indexOfLf(pos, limit);
            if (lf >= 0) {
                pos = lf + 1;
                return;
            }
            pos = limit;
            if (!fill()) {
                return;
            }
        }
    }

    private int indexOfLf(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Reads once more from the transport, keeping unread bytes; false at end of stream. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos == limit) {
            pos = 0;
            limit = 0;
            int capacity = transport.pending() > IDLE_CAPACITY ? BULK_CAPACITY : IDLE_CAPACITY;
            if (buf.length != capacity) {
                buf = new byte[capacity];
            }
        } else if (buf.length - limit < buf.length / 4) {
            makeRoom();
        }
        int n = transport.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    /** Moves unread bytes to the front, growing the array when they fill most of it (a long line). */
    private void makeRoom() {
        int unread = limit - pos;
        byte[] target = unread > buf.length / 2 ? new byte[buf.length * 2] : buf;
        System.arraycopy(buf, pos, target, 0, unread);
        buf = target;
        pos = 0;
        limit = unread;
    }

    private final class Stream extends InputStream {
        @Override
        public int read() throws IOException {
            if (pos == limit && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (pos == limit) {
                if (eof) {
                    return -1;
                }
                if (len >= DIRECT_READ) {
                    int n = transport.read(b, off, len);
                    if (n < 0) {
                        eof = true;
                    }
                    return n;
                }
                if (!fill()) {
                    return -1;
                }
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return (limit - pos) + transport.buffered();
        }

        @Override
        public void close() {
            // the connection owns the socket; closing a view of its input must not end the session
        }
    }
}
