package dev.letterbox.archive;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a message with CRLF line ends (a bare LF becomes CRLF; CRLF stays) and at most
 * {@code limit} bytes: past it nothing more is written and {@link #overflowed} says so, so a reader
 * can skip the rest of a message too big to store and go on with the next.
 */
public final class CrlfOutput extends OutputStream {
    private final OutputStream out;
    private final long limit;
    private long written;
    private boolean overflowed;
    private int last = -1;

    public CrlfOutput(OutputStream out, long limit) {
        this.out = out;
        this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        int from = offset;
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == '\n' && last != '\r') {
                emit(bytes, from, i - from);
                emit(CR, 0, 1);
                from = i;
            }
            last = b;
        }
        emit(bytes, from, offset + length - from);
    }

    private static final byte[] CR = {'\r'};

    private void emit(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0 || overflowed) return;
        if (written + length > limit) {
            overflowed = true;
            return;
        }
        out.write(bytes, offset, length);
        written += length;
    }

    public long written() {
        return written;
    }

    public boolean overflowed() {
        return overflowed;
    }
}
