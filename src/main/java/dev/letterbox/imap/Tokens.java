package dev.letterbox.imap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A cursor over a {@link RawCommand}: the RFC 3501 §9 tokens (atoms, quoted strings, literals,
 * numbers) across its lines, taking each literal where its marker ends a line.
 */
final class Tokens {
    private final List<byte[]> lines;
    private final List<Literal> literals;
    private int lineIndex;
    private byte[] line;
    private int pos;
    /** How strings in SEARCH are decoded after CHARSET (RFC 3501 §6.4.4); UTF-8 otherwise. */
    private Charset charset = StandardCharsets.UTF_8;
    private boolean charsetGiven;

    Tokens(RawCommand command) {
        this.lines = command.lines();
        this.literals = command.literals();
        this.line = lines.get(0);
    }

    void charset(Charset c) {
        this.charset = c;
        this.charsetGiven = true;
    }

    int peek() {
        return pos < line.length ? line[pos] & 0xff : -1;
    }

    boolean atEnd() {
        return pos >= line.length && lineIndex == lines.size() - 1;
    }

    void end() throws ImapSyntaxException {
        if (!atEnd()) throw new ImapSyntaxException("unexpected text at the end of the command: " + rest());
    }

    /** A short, printable excerpt of what follows (for error messages). */
    String rest() {
        int n = Math.min(line.length - pos, 30);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int b = line[pos + i] & 0xff;
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
        }
        return pos >= line.length ? "(end of line)" : "'" + sb + "'";
    }

    void expect(char c) throws ImapSyntaxException {
        if (peek() != c) throw new ImapSyntaxException("expected '" + c + "' but found " + rest());
        pos++;
    }

    boolean tryConsume(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    void sp() throws ImapSyntaxException {
        if (peek() != ' ') {
            throw new ImapSyntaxException(pos >= line.length ? "missing argument" : "expected a space but found " + rest());
        }
        pos++;
    }

    /** True when a space follows (and consumes it). */
    boolean trySp() {
        return tryConsume(' ');
    }

    /** True when the next atom is {@code word} (any case) followed by a space; consumes nothing. */
    boolean lookAhead(String word) {
        int end = pos + word.length();
        if (end >= line.length || line[end] != ' ') return false;
        for (int i = 0; i < word.length(); i++) {
            int b = line[pos + i];
            if (b >= 'a' && b <= 'z') b -= 'a' - 'A';
            if (b != word.charAt(i)) return false;
        }
        return true;
    }

    /** True when the next atom is exactly {@code word} (any case), followed by a space or the end. */
    boolean lookAheadWord(String word) {
        int end = pos + word.length();
        if (end > line.length || (end < line.length && line[end] != ' ' && line[end] != ')')) return false;
        return lookAheadPrefix(word);
    }

    /** True when a space and "(" follow (a parenthesised list after an item, e.g. PREVIEW (LAZY)); consumes nothing. */
    boolean spaceThenParen() {
        return pos + 1 < line.length && line[pos] == ' ' && line[pos + 1] == '(';
    }

    private boolean lookAheadPrefix(String word) {
        if (pos + word.length() > line.length) return false;
        for (int i = 0; i < word.length(); i++) {
            int b = line[pos + i];
            if (b >= 'a' && b <= 'z') b -= 'a' - 'A';
            if (b != word.charAt(i)) return false;
        }
        return true;
    }

    /** ATOM-CHARs, at least one. */
    String atom() throws ImapSyntaxException {
        int start = pos;
        while (pos < line.length && Chars.isAtomChar(line[pos])) pos++;
        if (pos == start) throw new ImapSyntaxException("expected an atom but found " + rest());
        return new String(line, start, pos - start, StandardCharsets.US_ASCII);
    }

    String atomUpper() throws ImapSyntaxException {
        return atom().toUpperCase(Locale.ROOT);
    }

    /** Characters accepted by {@code pred}, possibly none. */
    String run(java.util.function.IntPredicate pred) {
        int start = pos;
        while (pos < line.length && pred.test(line[pos] & 0xff)) pos++;
        return new String(line, start, pos - start, StandardCharsets.UTF_8);
    }

    boolean atLiteral() {
        int b = peek();
        return b == '{' || (b == '~' && pos + 1 < line.length && line[pos + 1] == '{');
    }

    /** The literal whose marker starts here (it must end the line); moves to the next line. */
    Literal literal() throws ImapSyntaxException {
        if (!atLiteral()) throw new ImapSyntaxException("expected a literal but found " + rest());
        int close = line.length - 1;
        if (line[close] != '}' || lineIndex >= literals.size()) {
            throw new ImapSyntaxException("a literal marker must end the line");
        }
        for (int i = pos + (line[pos] == '~' ? 2 : 1); i < close; i++) {
            byte b = line[i];
            if (!((b >= '0' && b <= '9') || (b == '+' && i == close - 1))) {
                throw new ImapSyntaxException("invalid literal marker");
            }
        }
        Literal literal = literals.get(lineIndex);
        lineIndex++;
        line = lines.get(lineIndex);
        pos = 0;
        return literal;
    }

    /** Octets of a quoted string or literal (a streamed literal is refused here). */
    byte[] stringBytes() throws ImapSyntaxException {
        if (peek() == '"') return quoted();
        if (atLiteral()) {
            Literal l = literal();
            if (l.binary()) throw new ImapSyntaxException("literal8 is not allowed here");
            if (!(l instanceof Literal.InMemory m)) throw new ImapSyntaxException("literal too large for this argument");
            for (byte b : m.bytes()) if (b == 0) throw new ImapSyntaxException("NUL in a literal");
            return m.bytes();
        }
        throw new ImapSyntaxException("expected a string but found " + rest());
    }

    private byte[] quoted() throws ImapSyntaxException {
        expect('"');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            if (pos >= line.length) throw new ImapSyntaxException("unterminated quoted string");
            byte b = line[pos++];
            if (b == '"') return out.toByteArray();
            if (b == '\\') {
                if (pos >= line.length || (line[pos] != '"' && line[pos] != '\\')) {
                    throw new ImapSyntaxException("invalid escape in quoted string (only \\\" and \\\\ are allowed)");
                }
                b = line[pos++];
            } else if (b == 0 || b == '\r' || b == '\n') {
                throw new ImapSyntaxException("invalid character in quoted string");
            }
            out.write(b);
        }
    }

    String string() throws ImapSyntaxException {
        return decode(stringBytes());
    }

    /** atom (with ']' allowed) or string. */
    String astring() throws ImapSyntaxException {
        int b = peek();
        if (b == '"' || atLiteral()) return string();
        return astringAtom();
    }

    /**
     * ASTRING-CHARs; octets above 127 are tolerated too (clients send UTF-8 mailbox names unquoted),
     * decoded as UTF-8.
     */
    private String astringAtom() throws ImapSyntaxException {
        int start = pos;
        while (pos < line.length && (Chars.isAstringChar(line[pos]) || line[pos] < 0)) pos++;
        if (pos == start) throw new ImapSyntaxException("expected a string or atom but found " + rest());
        return decode(java.util.Arrays.copyOfRange(line, start, pos));
    }

    /** string or NIL (null). */
    String nstring() throws ImapSyntaxException {
        if (peek() == '"' || atLiteral()) return string();
        String a = atom();
        if (!a.equalsIgnoreCase("NIL")) throw new ImapSyntaxException("expected a string or NIL");
        return null;
    }

    /** list-mailbox: list-chars (wildcards allowed, 8-bit tolerated) or string. */
    String listMailbox() throws ImapSyntaxException {
        if (peek() == '"' || atLiteral()) return string();
        int start = pos;
        while (pos < line.length && (Chars.isListChar(line[pos]) || line[pos] < 0)) pos++;
        if (pos == start) throw new ImapSyntaxException("expected a mailbox pattern but found " + rest());
        return decode(java.util.Arrays.copyOfRange(line, start, pos));
    }

    /** number: up to 32 bits unless {@code max} says more. */
    long number(long max) throws ImapSyntaxException {
        int start = pos;
        long n = 0;
        while (pos < line.length && line[pos] >= '0' && line[pos] <= '9') {
            n = n * 10 + (line[pos] - '0');
            if (pos - start > 19 || n > max || n < 0) throw new ImapSyntaxException("number out of range");
            pos++;
        }
        if (pos == start) throw new ImapSyntaxException("expected a number but found " + rest());
        return n;
    }

    long number() throws ImapSyntaxException {
        return number(SequenceSet.MAX_NUMBER);
    }

    long nzNumber() throws ImapSyntaxException {
        long n = number();
        if (n == 0) throw new ImapSyntaxException("expected a non-zero number");
        return n;
    }

    /** mod-sequence-value: 1..2^63-1 (RFC 7162 §7). */
    long modSeq() throws ImapSyntaxException {
        return number(Long.MAX_VALUE);
    }

    SequenceSet sequenceSet() throws ImapSyntaxException {
        String text = run(b -> (b >= '0' && b <= '9') || b == ':' || b == ',' || b == '*' || b == '$');
        if (text.isEmpty()) throw new ImapSyntaxException("expected a sequence set but found " + rest());
        try {
            return SequenceSet.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ImapSyntaxException(e.getMessage());
        }
    }

    /** A flag: "\" atom or a keyword atom. */
    String flag() throws ImapSyntaxException {
        if (tryConsume('\\')) {
            if (peek() == '*') {
                pos++;
                return "\\*";
            }
            return "\\" + atom();
        }
        return atom();
    }

    private String decode(byte[] bytes) throws ImapSyntaxException {
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            // Without a CHARSET some clients send 8-bit strings in ISO-8859-1 (Angus Mail does, even
            // after UTF8=ACCEPT); every octet sequence is valid ISO-8859-1, so take it as that.
            if (!charsetGiven) return new String(bytes, StandardCharsets.ISO_8859_1);
            throw new ImapSyntaxException("string is not valid " + charset.name());
        }
    }
}
