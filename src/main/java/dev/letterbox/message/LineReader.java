package dev.letterbox.message;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a message into lines at LF (a CR before it is part of the terminator; a lone CR is content),
 * tracking absolute offsets and the running count of LFs. Lines of any length pass through: only the
 * first {@code keep} octets of each line are copied out, so a 10 MB base64 line costs no memory.
 */
final class LineReader {
    private final InputStream in;
    /** Starts small (most messages are a few KB) and grows to 64 KiB once the input fills it. */
    private byte[] buf = new byte[8192];
    private int pos;
    private int limit;
    private boolean eof;

    private long offset;            // absolute offset of buf[pos]
    private long lfCount;           // LFs before buf[pos]

    // The current line.
    private long lineStart;
    private long lineLength;
    private int terminatorLength;   // 0 (only at end of input), 1 (LF) or 2 (CRLF)
    private long lfBeforeLine;
    private byte[] kept = new byte[1024];
    private int keptLength;         // octets of the line copied into kept, terminator included if it fit
    private int previousTerminator; // terminator length of the line before the current one

    LineReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads the next line, copying at most {@code keep} of its octets; false at end of input (no
     * empty "line" is reported there).
     */
    boolean next(int keep) throws IOException {
        previousTerminator = lineLength == 0 ? previousTerminator : terminatorLength;
        lineStart = offset;
        lfBeforeLine = lfCount;
        lineLength = 0;
        keptLength = 0;
        terminatorLength = 0;
        byte lastOfChunk = 0;
        while (true) {
            if (pos == limit && !fill()) break;
            int lf = indexOfLf(buf, pos, limit);
            if (lf >= 0) {
                int n = lf + 1 - pos;
                copy(pos, n, keep);
                byte beforeLf = lf > pos ? buf[lf - 1] : lastOfChunk;
                boolean crlf = beforeLf == '\r' && (lf > pos || lineLength > 0);
                lineLength += n;
                offset += n;
                pos = lf + 1;
                lfCount++;
                terminatorLength = crlf ? 2 : 1;
                return true;
            }
            int n = limit - pos;
            copy(pos, n, keep);
            lastOfChunk = buf[limit - 1];
            lineLength += n;
            offset += n;
            pos = limit;
        }
        return lineLength > 0;
    }

    private void copy(int from, int n, int keep) {
        int room = keep - keptLength;
        if (room <= 0) return;
        int take = Math.min(room, n);
        if (keptLength + take > kept.length) kept = Arrays.copyOf(kept, Math.max(kept.length * 2, keptLength + take));
        System.arraycopy(buf, from, kept, keptLength, take);
        keptLength += take;
    }

    private boolean fill() throws IOException {
        if (eof) return false;
        if (limit == buf.length && buf.length < 65536) buf = new byte[buf.length * 2];
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            // Only -1 is end of stream; a stream that returns 0 for a full-size read is treated as ended too.
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    private static int indexOfLf(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') return i;
        }
        return -1;
    }

    long lineStart() {
        return lineStart;
    }

    /** Offset just after the current line (after its terminator). */
    long lineEnd() {
        return lineStart + lineLength;
    }

    /** Octets of the current line without its terminator. */
    long contentLength() {
        return lineLength - terminatorLength;
    }

    int terminatorLength() {
        return terminatorLength;
    }

    /** Terminator length of the line before the current one (0 when there was none). */
    int previousTerminator() {
        return previousTerminator;
    }

    /** LFs in the input before the current line. */
    long lfBeforeLine() {
        return lfBeforeLine;
    }

    /** Total octets consumed so far (the message size once {@link #next} returned false). */
    long offset() {
        return offset;
    }

    /** LFs consumed so far. */
    long lfCount() {
        return lfCount;
    }

    /** The copied octets of the current line (terminator included when it fit in {@code keep}). */
    byte[] kept() {
        return kept;
    }

    int keptLength() {
        return keptLength;
    }

    /** True when the current line is just a terminator. */
    boolean isBlank() {
        return lineLength > 0 && lineLength == terminatorLength;
    }
}
