package dev.letterbox.managesieve;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one whole command as tokens: its line, and for a literal at a line's end ({@code {n+}} as
 * RFC 5804 §4 has clients send, or {@code {n}}, which some clients send without waiting for an
 * answer the protocol does not have) the literal's octets and the line that goes on after them.
 *
 * <p>A line that does not tokenize still has its literals read and thrown away before the error
 * is reported, so their octets are never taken for commands. One command holds at most
 * {@link #MAX_TOKENS} tokens and its literals together at most the literal limit and a little more
 * (a script and its name): a client cannot make the server hold more by sending many literals.
 */
public final class CommandReader {
    /** Longest command line: a quoted string is at most 1024 octets, a command has two. */
    public static final int MAX_LINE = 4096;
    /** RFC 5804 §4: {@code quoted = DQUOTE *1024QUOTED-CHAR DQUOTE}. */
    static final int MAX_QUOTED = 1024;
    /** No command has more than three arguments; a few more are refused without reading further literals. */
    static final int MAX_TOKENS = 8;
    /** A literal beyond the limit is read and thrown away up to this size; past it the session must end. */
    public static final long MAX_DISCARDED = 16L << 20;
    private static final Pattern LITERAL_AT_END = Pattern.compile("\\{([0-9]{1,10})\\+?\\}$");

    /** Where the octets come from: the connection's bounded line reader and its raw stream. */
    public interface Source {
        /** One line with its terminator; null at end of stream; {@link LineTooLongException} past the bound. */
        byte[] readLine(int maxLength) throws IOException;

        InputStream input();
    }

    /** A line beyond {@link #MAX_LINE}: the session cannot know where the command ends, and ends. */
    public static final class LineTooLongException extends IOException {
        public LineTooLongException() {
            super("line too long");
        }
    }

    /**
     * A literal larger than the limit. When {@code discarded}, its octets and the rest of the
     * command were read and thrown away and the session may go on; otherwise it must end.
     */
    public static final class LiteralTooLargeException extends Exception {
        private final long size;
        private final boolean discarded;

        LiteralTooLargeException(long size, boolean discarded) {
            super("literal of " + size + " octets is too large");
            this.size = size;
            this.discarded = discarded;
        }

        public long size() {
            return size;
        }

        public boolean discarded() {
            return discarded;
        }
    }

    private final Source source;
    private final long maxLiteral;

    /** {@code maxLiteral}: the largest literal kept (the largest script the server takes). */
    public CommandReader(Source source, long maxLiteral) {
        this.source = source;
        this.maxLiteral = maxLiteral;
    }

    /** The next command's tokens (empty for a blank line); null at end of stream. */
    public List<Token> read() throws IOException, SieveSyntaxException, LiteralTooLargeException {
        List<Token> tokens = new ArrayList<>();
        byte[] line = stripped(source.readLine(MAX_LINE));
        if (line == null) return null;
        long budget = maxLiteral + MAX_QUOTED; // octets of literals this command may still bring: a script and a name
        while (true) {
            Tokenizer t = new Tokenizer(line);
            long literal;
            try {
                literal = t.tokens(tokens);
                if (tokens.size() >= MAX_TOKENS) throw new SieveSyntaxException("too many arguments");
            } catch (SieveSyntaxException e) {
                if (!skipLiterals(line)) return null;
                throw e;
            }
            if (literal < 0) return tokens;
            if (literal > Math.min(maxLiteral, budget)) {
                boolean discarded = literal <= MAX_DISCARDED && discard(literal) && skipRestOfCommand();
                throw new LiteralTooLargeException(literal, discarded);
            }
            byte[] octets = source.input().readNBytes((int) literal);
            if (octets.length < literal) return null; // the client went away mid-literal
            budget -= literal;
            tokens.add(new Token.Str(octets, true));
            line = stripped(source.readLine(MAX_LINE));
            if (line == null) return null;
        }
    }

    /** After a syntax error: throws away the literals the line announced; false at end of stream. */
    private boolean skipLiterals(byte[] line) throws IOException {
        while (true) {
            Matcher m = LITERAL_AT_END.matcher(new String(line, java.nio.charset.StandardCharsets.ISO_8859_1));
            if (!m.find()) return true;
            long size = Long.parseLong(m.group(1));
            if (size > MAX_DISCARDED || !discard(size)) return false;
            line = stripped(source.readLine(MAX_LINE));
            if (line == null) return false;
        }
    }

    private boolean skipRestOfCommand() throws IOException {
        byte[] line = stripped(source.readLine(MAX_LINE));
        return line != null && skipLiterals(line);
    }

    /** Reads and drops {@code size} octets; false when the stream ended first. */
    private boolean discard(long size) throws IOException {
        try {
            source.input().skipNBytes(size);
            return true;
        } catch (java.io.EOFException e) {
            return false;
        }
    }

    private static byte[] stripped(byte[] raw) {
        if (raw == null) return null;
        int len = raw.length;
        if (len > 0 && raw[len - 1] == '\n') len--;
        if (len > 0 && raw[len - 1] == '\r') len--;
        return java.util.Arrays.copyOf(raw, len);
    }

    /** Splits one line into tokens. */
    private static final class Tokenizer {
        private final byte[] line;
        private int pos;

        Tokenizer(byte[] line) {
            this.line = line;
        }

        /** Adds the line's tokens; returns the size of the literal that ends it, or -1 when none does. */
        long tokens(List<Token> out) throws SieveSyntaxException {
            while (true) {
                while (pos < line.length && line[pos] == ' ') pos++;
                if (pos == line.length) return -1;
                byte b = line[pos];
                if (b == '"') {
                    out.add(quoted());
                } else if (b == '{') {
                    return literalSize();
                } else {
                    out.add(atom());
                }
                if (pos < line.length && line[pos] != ' ') throw new SieveSyntaxException("expected a space after an argument");
            }
        }

        private Token quoted() throws SieveSyntaxException {
            java.io.ByteArrayOutputStream value = new java.io.ByteArrayOutputStream();
            pos++; // the opening quote
            while (pos < line.length) {
                byte b = line[pos++];
                if (b == '"') {
                    if (value.size() > MAX_QUOTED) throw new SieveSyntaxException("quoted string longer than 1024 octets; use a literal");
                    return new Token.Str(value.toByteArray(), false);
                }
                if (b == '\\') {
                    if (pos == line.length || (line[pos] != '"' && line[pos] != '\\')) {
                        throw new SieveSyntaxException("only \\\" and \\\\ may be escaped in a quoted string");
                    }
                    b = line[pos++];
                } else if (b == 0 || b == '\r') {
                    throw new SieveSyntaxException("NUL or CR in a quoted string");
                }
                value.write(b);
            }
            throw new SieveSyntaxException("unterminated quoted string");
        }

        private long literalSize() throws SieveSyntaxException {
            int start = pos;
            int end = line.length;
            if (line[end - 1] != '}') throw new SieveSyntaxException("a literal must end the line");
            int digitsEnd = line[end - 2] == '+' ? end - 2 : end - 1;
            String digits = new String(line, start + 1, Math.max(0, digitsEnd - start - 1), java.nio.charset.StandardCharsets.US_ASCII);
            if (!digits.matches("[0-9]{1,10}")) throw new SieveSyntaxException("malformed literal");
            pos = end;
            return Long.parseLong(digits);
        }

        private Token atom() throws SieveSyntaxException {
            int start = pos;
            while (pos < line.length && line[pos] != ' ') {
                byte b = line[pos];
                if (b <= ' ' || b >= 0x7f || b == '"' || b == '{' || b == '(' || b == ')') {
                    throw new SieveSyntaxException("unexpected character in a command");
                }
                pos++;
            }
            return new Token.Atom(new String(line, start, pos - start, java.nio.charset.StandardCharsets.US_ASCII));
        }
    }
}
