package dev.letterbox.imap;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads one complete command: its first line, and for each literal marker at a line's end the
 * literal and the line after it (RFC 3501 §4.3, §7.5; RFC 7888 LITERAL+; RFC 3516 literal8).
 *
 * <p>Bounds: every line is at most {@link Limits#maxLine} octets; lines and in-memory literals
 * together at most {@link Limits#maxCommand}. A literal beyond that budget is only accepted where
 * {@link Session#streamLimit} allows (APPEND after login, up to APPENDLIMIT) and then goes to
 * {@link Session#store} without ever being whole in memory. Before a synchronising literal it may
 * not take, the reader refuses the command without asking for the literal; a non-synchronising
 * literal it may not take is read and thrown away, and the command refused after it.
 */
public final class ImapReader {
    /** A literal up to this size is kept in memory even in APPEND. */
    public static final int IN_MEMORY_LITERAL = 64 * 1024;

    /** Where the bytes come from: the connection's bounded line reader and its raw stream. */
    public interface Source {
        /** One line with its terminator, null at end of stream; {@link LineTooLongException} past the bound. */
        byte[] readLine(int maxLength) throws IOException;

        InputStream input();
    }

    /** Thrown by {@link Source#readLine} for a line beyond the bound (the line was skipped). */
    public static final class LineTooLongException extends IOException {
        public LineTooLongException() {
            super("line too long");
        }
    }

    /** The session's side of literal handling. */
    public interface Session {
        /** Sends the continuation request for a synchronising literal and flushes. */
        void continueLiteral() throws IOException;

        /** How large a streamed literal this command may carry now; 0 when none. */
        long streamLimit(String commandName);

        /** Stores a large literal: reads exactly {@code size} octets from {@code data}. */
        StoredLiteral store(InputStream data, long size) throws IOException;
    }

    public record Limits(int maxLine, int maxCommand) {}

    /** What one read produced. */
    public sealed interface Result {}

    public record Command(RawCommand command) implements Result {}

    /** A command refused before it was complete (too long, literal too large, no tag). */
    public record Refused(String tag, Status status, ResponseCode code, String text) implements Result {}

    /** An empty line: ignored by the session. */
    public record Blank() implements Result {}

    private final Source source;
    private final Limits limits;

    public ImapReader(Source source, Limits limits) {
        this.source = source;
        this.limits = limits;
    }

    /** The next command, or null at end of stream. {@link LineTooLongException} leaves the stream unusable. */
    public Result read(Session session) throws IOException {
        byte[] first = source.readLine(limits.maxLine());
        if (first == null) return null;
        byte[] line = strip(first);
        if (line.length == 0) return new Blank();
        String tag = tagOf(line);
        String name = tag == null ? "" : nameOf(line, tag.length() + 1);
        if (tag == null) return discardRest(line, null, Status.BAD, null, "missing or invalid tag");

        List<byte[]> lines = new ArrayList<>();
        List<Literal> literals = new ArrayList<>();
        long budget = limits.maxCommand() - line.length;
        try {
            while (true) {
                lines.add(line);
                Marker m = marker(line);
                if (m == null) {
                    return new Command(new RawCommand(tag, name, lines, literals));
                }
                long streamLimit = session.streamLimit(name);
                boolean inMemory = m.size <= budget && m.size <= IN_MEMORY_LITERAL;
                if (!inMemory && m.size > streamLimit) {
                    closeAll(literals);
                    boolean append = streamLimit > 0;
                    return append
                            ? discardRest(line, tag, Status.NO, ResponseCode.tooBig(), "message larger than APPENDLIMIT (" + streamLimit + " octets)")
                            : discardRest(line, tag, Status.BAD, ResponseCode.tooBig(), "command or literal too long");
                }
                if (m.sync) session.continueLiteral();
                if (inMemory) {
                    byte[] data = source.input().readNBytes((int) m.size);
                    if (data.length < m.size) throw new EOFException("end of stream inside a literal");
                    literals.add(new Literal.InMemory(data, m.binary));
                    budget -= m.size;
                } else {
                    ExactStream exact = new ExactStream(source.input(), m.size);
                    StoredLiteral stored = session.store(exact, m.size);
                    if (exact.remaining > 0) {
                        stored.close();
                        throw new EOFException("end of stream inside a literal");
                    }
                    literals.add(new Literal.Stored(stored, m.binary));
                }
                byte[] next = source.readLine(limits.maxLine());
                if (next == null) throw new EOFException("end of stream inside a command");
                line = strip(next);
                budget -= line.length;
                if (budget < 0) {
                    closeAll(literals);
                    return discardRest(line, tag, Status.BAD, ResponseCode.tooBig(), "command too long");
                }
            }
        } catch (IOException | RuntimeException e) {
            closeAll(literals);
            throw e;
        }
    }

    /** The client's next line on its own (AUTHENTICATE responses, IDLE's DONE); null at end of stream. */
    public String readPlainLine(int maxLength) throws IOException {
        byte[] raw = source.readLine(maxLength);
        return raw == null ? null : new String(strip(raw), StandardCharsets.UTF_8);
    }

    private static void closeAll(List<Literal> literals) {
        for (Literal l : literals) if (l instanceof Literal.Stored s) s.data().close();
    }

    /**
     * Refuses a command after reading what the client will still send of it: the data of
     * non-synchronising literals (thrown away) and the lines after them. A synchronising literal
     * ends it: the client waits for our answer and sends nothing more of this command.
     */
    private Result discardRest(byte[] line, String tag, Status status, ResponseCode code, String text) throws IOException {
        Marker m = marker(line);
        while (m != null && !m.sync) {
            source.input().skipNBytes(m.size);
            byte[] next = source.readLine(limits.maxLine());
            if (next == null) throw new EOFException("end of stream inside a command");
            m = marker(strip(next));
        }
        return new Refused(tag, status, code, text);
    }

    private record Marker(long size, boolean sync, boolean binary) {}

    /** The literal marker ending a line: {@code {n}}, {@code {n+}}, {@code ~{n}}; null when none. */
    static Marker marker(byte[] line) {
        int end = line.length - 1;
        if (end < 2 || line[end] != '}') return null;
        int i = end - 1;
        boolean sync = true;
        if (line[i] == '+') {
            sync = false;
            i--;
        }
        int digitsEnd = i;
        while (i >= 0 && line[i] >= '0' && line[i] <= '9') i--;
        int digits = digitsEnd - i;
        if (digits == 0 || digits > 18 || i < 0 || line[i] != '{') return null;
        long size = 0;
        for (int k = i + 1; k <= digitsEnd; k++) size = size * 10 + (line[k] - '0');
        boolean binary = i > 0 && line[i - 1] == '~';
        return new Marker(size, sync, binary);
    }

    private static byte[] strip(byte[] raw) {
        int len = raw.length;
        if (len > 0 && raw[len - 1] == '\n') len--;
        if (len > 0 && raw[len - 1] == '\r') len--;
        return len == raw.length ? raw : Arrays.copyOf(raw, len);
    }

    /** The tag (RFC 3501 {@code tag}: ASTRING-CHARs except '+'), or null when the line has none. */
    static String tagOf(byte[] line) {
        int i = 0;
        while (i < line.length && line[i] != ' ') {
            if (!Chars.isAstringChar(line[i]) || line[i] == '+') return null;
            i++;
        }
        if (i == 0 || i > 64) return null;
        return new String(line, 0, i, StandardCharsets.US_ASCII);
    }

    /** The command name in upper case ("UID FETCH" for UID commands), "" when there is none. */
    static String nameOf(byte[] line, int from) {
        String first = atomAt(line, from);
        if (first.equals("UID")) {
            String second = atomAt(line, from + 4);
            return second.isEmpty() ? first : "UID " + second;
        }
        return first;
    }

    private static String atomAt(byte[] line, int from) {
        int i = from;
        while (i < line.length && i - from < 32 && Chars.isAtomChar(line[i])) i++;
        return i <= from ? "" : new String(line, from, i - from, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
    }

    /** Gives exactly {@code size} octets of the underlying stream, never more. */
    private static final class ExactStream extends FilterInputStream {
        long remaining;

        ExactStream(InputStream in, long size) {
            super(in);
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int b = in.read();
            if (b >= 0) remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) {
            return 0;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), remaining);
        }

        @Override
        public void close() {
            // the connection's stream stays open
        }
    }
}
