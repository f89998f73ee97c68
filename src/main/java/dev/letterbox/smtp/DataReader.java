package dev.letterbox.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads the content after DATA (RFC 5321 §4.1.1.4, §4.5.2) and writes it, dot-unstuffed, to a sink.
 *
 * <p>The data ends at CRLF "." CRLF and nowhere else: the CRLF before the dot must be a real CRLF
 * (or the start of the data), and so must the one after it. A bare LF, or a CR not followed by LF,
 * anywhere in the data makes the message unacceptable ({@link Result#bareLineEnding()}) but never
 * ends it: the reader goes on to the real terminator, so {@code LF "." LF}, {@code LF "." CRLF},
 * {@code CRLF "." LF} or {@code CR "." CR} (the 2023 "SMTP smuggling" sequences) cannot end this
 * message and make what follows a second one. Once the message is known to be refused (bare line
 * ending, or over {@code maxSize}) nothing more is written to the sink; the rest is only read.
 *
 * <p>Bytes are taken one at a time from {@code in} so that not one byte past the terminator is
 * consumed: the next pipelined command stays in the connection's buffer. Line length is not bounded
 * because nothing is held per line.
 */
public final class DataReader {
    private static final int CHUNK = 8192;

    /** {@code size}: content octets after unstuffing (all of them, also past a refusal). */
    public record Result(long size, boolean tooLarge, boolean bareLineEnding) {
        public boolean accepted() {
            return !tooLarge && !bareLineEnding;
        }
    }

    private DataReader() {}

    // States: where we are relative to line starts.
    private static final int LINE_START = 0, IN_LINE = 1, SAW_CR = 2, DOT = 3, DOT_CR = 4;

    /**
     * Copies until the terminator; {@code maxSize} &le; 0 means no limit.
     *
     * @throws EOFException when the stream ends before the terminator (the message is incomplete)
     */
    public static Result copy(InputStream in, OutputStream sink, long maxSize) throws IOException {
        byte[] out = new byte[CHUNK];
        int n = 0;
        long size = 0;
        boolean bare = false, tooLarge = false;
        int state = LINE_START;
        while (true) {
            int b = in.read();
            if (b < 0) throw new EOFException("connection ended inside DATA");
            switch (state) {
                case LINE_START -> {
                    if (b == '.') {
                        state = DOT;
                        continue; // the stuffing dot (RFC 5321 §4.5.2), or the terminator's
                    }
                    state = afterOrdinary(b);
                }
                case DOT -> {
                    if (b == '\r') {
                        state = DOT_CR;
                        continue;
                    }
                    state = afterOrdinary(b); // the dot was stuffing: dropped, b is the line's first octet
                }
                case DOT_CR -> {
                    if (b == '\n') {
                        if (n > 0 && !bare && !tooLarge) sink.write(out, 0, n);
                        return new Result(size, tooLarge, bare);
                    }
                    // "." CR x: a bare CR. Keep the CR we held back, then look at x.
                    bare = true;
                    state = afterOrdinary(b);
                }
                case SAW_CR -> {
                    if (b == '\n') {
                        state = LINE_START;
                    } else {
                        bare = true; // CR not followed by LF
                        state = afterOrdinary(b);
                    }
                }
                default -> state = afterOrdinary(b);
            }
            if (state == IN_LINE && b == '\n') bare = true; // LF not preceded by CR
            if (bare || tooLarge) {
                size++;
                continue;
            }
            if (maxSize > 0 && size >= maxSize) {
                tooLarge = true;
                size++;
                continue;
            }
            if (n == out.length) {
                sink.write(out, 0, n);
                n = 0;
            }
            out[n++] = (byte) b;
            size++;
        }
    }

    /** The state after an octet that is neither a stuffing dot nor the LF of a CRLF. */
    private static int afterOrdinary(int b) {
        return b == '\r' ? SAW_CR : IN_LINE;
    }
}
