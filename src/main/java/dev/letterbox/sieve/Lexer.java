package dev.letterbox.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RFC 5228 §8.1 lexical tokens. Bare LF is accepted where the RFC says CRLF (scripts are often
 * uploaded from Unix editors); strings keep the line breaks the author wrote, as CRLF.
 */
final class Lexer {
    enum Kind { IDENTIFIER, TAG, NUMBER, STRING, MULTILINE, LBRACKET, RBRACKET, LPAREN, RPAREN, LBRACE, RBRACE,
        COMMA, SEMICOLON, EOF }

    record Token(Kind kind, String text, long number, int line) {}

    /** Far beyond any size or count a script can mean, and safe from overflow in arithmetic. */
    static final long MAX_NUMBER = 1L << 53;

    private final String src;
    private int pos;
    private int line = 1;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String src) throws SieveException {
        Lexer l = new Lexer(src);
        List<Token> out = new ArrayList<>();
        Token t;
        do {
            t = l.next();
            out.add(t);
        } while (t.kind() != Kind.EOF);
        return out;
    }

    private Token next() throws SieveException {
        skipSpaceAndComments();
        if (pos >= src.length()) return new Token(Kind.EOF, "", 0, line);
        char c = src.charAt(pos);
        int at = line;
        switch (c) {
            case '[': pos++; return new Token(Kind.LBRACKET, "[", 0, at);
            case ']': pos++; return new Token(Kind.RBRACKET, "]", 0, at);
            case '(': pos++; return new Token(Kind.LPAREN, "(", 0, at);
            case ')': pos++; return new Token(Kind.RPAREN, ")", 0, at);
            case '{': pos++; return new Token(Kind.LBRACE, "{", 0, at);
            case '}': pos++; return new Token(Kind.RBRACE, "}", 0, at);
            case ',': pos++; return new Token(Kind.COMMA, ",", 0, at);
            case ';': pos++; return new Token(Kind.SEMICOLON, ";", 0, at);
            case '"': return quoted();
            case ':': {
                pos++;
                if (pos >= src.length() || !identStart(src.charAt(pos))) {
                    throw new SieveException(at, "a tag needs a name after ':'");
                }
                return new Token(Kind.TAG, ":" + identifier(), 0, at);
            }
            default:
        }
        if (c >= '0' && c <= '9') return number();
        if (identStart(c)) {
            String word = identifier();
            if (word.equals("text") && pos < src.length() && src.charAt(pos) == ':') {
                pos++;
                return multiline(at);
            }
            return new Token(Kind.IDENTIFIER, word, 0, at);
        }
        throw new SieveException(at, "unexpected character '" + printable(c) + "'");
    }

    private void skipSpaceAndComments() throws SieveException {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') pos++;
            } else if (c == '/' && pos + 1 < src.length() && src.charAt(pos + 1) == '*') {
                int start = line;
                int end = src.indexOf("*/", pos + 2);
                if (end < 0) throw new SieveException(start, "comment /* is never closed with */");
                countLines(pos, end);
                pos = end + 2;
            } else {
                return;
            }
        }
    }

    private void countLines(int from, int to) {
        for (int i = from; i < to; i++) {
            if (src.charAt(i) == '\n') line++;
        }
    }

    private static boolean identStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private String identifier() {
        int start = pos;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (!identStart(c) && !(c >= '0' && c <= '9')) break;
            pos++;
        }
        return src.substring(start, pos).toLowerCase(Locale.ROOT);
    }

    private Token number() throws SieveException {
        int at = line;
        long value = 0;
        while (pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '9') {
            if (value > MAX_NUMBER / 10) throw new SieveException(at, "number too large");
            value = value * 10 + (src.charAt(pos++) - '0');
        }
        if (pos < src.length()) {
            int shift = switch (Character.toUpperCase(src.charAt(pos))) {
                case 'K' -> 10;
                case 'M' -> 20;
                case 'G' -> 30;
                default -> 0;
            };
            if (shift > 0) {
                if (value > MAX_NUMBER >> shift) throw new SieveException(at, "number too large");
                pos++;
                value <<= shift;
            }
        }
        if (pos < src.length() && identStart(src.charAt(pos))) {
            throw new SieveException(at, "a number cannot be followed by letters (only K, M or G)");
        }
        return new Token(Kind.NUMBER, Long.toString(value), value, at);
    }

    /** RFC 5228 §2.4.2: \" and \\ are escapes; any other backslash is dropped. */
    private Token quoted() throws SieveException {
        int at = line;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) throw new SieveException(at, "string is never closed with '\"'");
            char c = src.charAt(pos++);
            if (c == '"') break;
            if (c == '\\') {
                if (pos >= src.length()) throw new SieveException(at, "string is never closed with '\"'");
                c = src.charAt(pos++);
            }
            if (c == '\n') {
                line++;
                if (sb.isEmpty() || sb.charAt(sb.length() - 1) != '\r') sb.append('\r');
            }
            sb.append(c);
        }
        return new Token(Kind.STRING, sb.toString(), 0, at);
    }

    /** RFC 5228 §2.4.2 multi-line strings: up to a line of a single ".", leading dots unstuffed. */
    private Token multiline(int at) throws SieveException {
        while (pos < src.length() && (src.charAt(pos) == ' ' || src.charAt(pos) == '\t')) pos++;
        if (pos < src.length() && src.charAt(pos) == '#') {
            while (pos < src.length() && src.charAt(pos) != '\n') pos++;
        } else if (pos < src.length() && src.charAt(pos) == '\r') {
            pos++;
        }
        if (pos >= src.length() || src.charAt(pos) != '\n') {
            throw new SieveException(at, "text: must be followed by a line break");
        }
        pos++;
        line++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) throw new SieveException(at, "text: is never ended by a line with a single '.'");
            int eol = src.indexOf('\n', pos);
            int end = eol < 0 ? src.length() : eol;
            int contentEnd = end > pos && src.charAt(end - 1) == '\r' ? end - 1 : end;
            String l = src.substring(pos, contentEnd);
            pos = eol < 0 ? src.length() : eol + 1;
            if (l.equals(".")) {
                line++;
                break;
            }
            if (eol < 0) throw new SieveException(at, "text: is never ended by a line with a single '.'");
            line++;
            sb.append(l.startsWith(".") ? l.substring(1) : l).append("\r\n");
        }
        return new Token(Kind.MULTILINE, sb.toString(), 0, at);
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c);
    }
}
