package dev.letterbox.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads the content after DATA (RFC 5321 §4.1.1.4, §4.5.2) and writes it, dot-unstuffed, to a sink.
 *
 * <p>The data ends at CRLF "." CRLF and nowhere else: the CRLF before the dot must be a real CRLF
 * (or the start of the data), and so must the one after it. A bare LF is taken as a line end and
 * written as CRLF, because scripts and tools such as {@code curl -T file} send Unix files as they
 * are; a dot at the start of such a line is kept, as those tools stuff dots only after CRLF (a
 * message as sent by a careful client has no bare LF, so nothing changes for it). A bare CR (a CR not
 * followed by LF) makes the message unacceptable, and so does a line holding only "." with a bare
 * LF on either side of it: that is what the 2023 "SMTP smuggling" sequences ({@code LF "." LF},
 * {@code LF "." CRLF}, {@code CRLF "." LF}, {@code CR "." CR}) look like, sequences that a sloppier
 * server takes as the end, so the text after them would become a second message there. Neither
 * ends this message: the reader goes on to the real terminator and the whole is refused as one
 * ({@link Result#badLineEnding()}). Once the message is known to be refused (bad line ending, or
 * over {@code maxSize}) nothing more is written to the sink; the rest is only read.
 *
 * <p>Bytes are taken one at a time from {@code in} so that not one byte past the terminator is
 * consumed: the next pipelined command stays in the connection's buffer. Line length is not bounded
 * because nothing is held per line.
 */
public final class DataReader {
    private static final int CHUNK = 8192;

    /**
     * {@code size}: content octets after unstuffing and after each bare LF became CRLF (all of
     * them, also past a refusal). {@code badLineEnding}: a bare CR, or a "." line next to a bare LF.
     */
    public record Result(long size, boolean tooLarge, boolean badLineEnding) {
        public boolean accepted() {
            return !tooLarge && !badLineEnding;
        }
    }

    // Where we are relative to line starts. The LF_ states follow a bare LF: a line that starts
    // there is a line like any other, except that its lone "." can never be the terminator.
    private enum State { LINE_START, LF_LINE_START, IN_LINE, SAW_CR, DOT, LF_DOT, DOT_CR, LF_DOT_CR }

    private final OutputStream sink;
    private final long maxSize;
    private final byte[] out = new byte[CHUNK];
    private int n;
    private long size;
    private boolean bad, tooLarge;

    private DataReader(OutputStream sink, long maxSize) {
        this.sink = sink;
        this.maxSize = maxSize;
    }

    /**
     * Copies until the terminator; {@code maxSize} &le; 0 means no limit.
     *
     * @throws EOFException when the stream ends before the terminator (the message is incomplete)
     */
    public static Result copy(InputStream in, OutputStream sink, long maxSize) throws IOException {
        return new DataReader(sink, maxSize).run(in);
    }

    private Result run(InputStream in) throws IOException {
        State state = State.LINE_START;
        while (true) {
            int b = in.read();
            if (b < 0) throw new EOFException("connection ended inside DATA");
            if (state == State.DOT_CR && b == '\n') return end(); // CRLF "." CRLF
            state = switch (state) {
                // the stuffing dot (RFC 5321 §4.5.2), or the terminator's: held back either way
                case LINE_START -> b == '.' ? State.DOT : ordinary(b);
                case LF_LINE_START -> b == '.' ? State.LF_DOT : ordinary(b);
                case DOT, LF_DOT -> {
                    if (b == '\r') yield state == State.DOT ? State.DOT_CR : State.LF_DOT_CR;
                    if (b == '\n') bad = true; // "." LF: a lone dot with a bare LF after it
                    // After CRLF the dot was stuffing: dropped. After a bare LF it is content: whoever
                    // sends bare LFs sends a file as it is and stuffs dots only after CRLF (curl does).
                    if (state == State.LF_DOT) put('.');
                    yield ordinary(b);
                }
                case DOT_CR -> {
                    bad = true; // "." CR x: a bare CR
                    yield ordinary(b);
                }
                case LF_DOT_CR -> {
                    bad = true; // LF "." CRLF: a lone dot with a bare LF before it; or "." CR x: a bare CR
                    yield b == '\n' ? State.LINE_START : ordinary(b); // after a real CRLF the terminator may follow
                }
                case SAW_CR -> {
                    if (b == '\n') {
                        put('\n');
                        yield State.LINE_START;
                    }
                    bad = true; // CR not followed by LF
                    yield ordinary(b);
                }
                case IN_LINE -> ordinary(b);
            };
        }
    }

    /** Writes an octet that is neither a stuffing dot nor the LF of a CRLF; the state after it. */
    private State ordinary(int b) throws IOException {
        if (b == '\n') { // a bare LF ends the line as CRLF would
            put('\r');
            put('\n');
            return State.LF_LINE_START;
        }
        put(b);
        return b == '\r' ? State.SAW_CR : State.IN_LINE;
    }

    private void put(int b) throws IOException {
        size++;
        if (bad || tooLarge) return;
        if (maxSize > 0 && size > maxSize) {
            tooLarge = true;
            return;
        }
        if (n == out.length) {
            sink.write(out, 0, n);
            n = 0;
        }
        out[n++] = (byte) b;
    }

    private Result end() throws IOException {
        if (n > 0 && !bad && !tooLarge) sink.write(out, 0, n);
        return new Result(size, tooLarge, bad);
    }
}
