package dev.letterbox.message;

import dev.letterbox.message.Envelope.Address;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 5322 §3.4 address lists (with the obsolete forms of §4.4: routes, dotted phrases, comments
 * anywhere) into ENVELOPE addresses. Display names stay raw (encoded-words undecoded), quotes and
 * backslashes removed. Never fails: what cannot be an address is skipped, an address without a
 * domain gets the host "MISSING_DOMAIN" and "<>" the mailbox "MISSING_MAILBOX" (so the host is never
 * NIL, which would mean a group marker), a trailing comment serves as the name when there is none.
 */
final class AddressParser {
    static final String MISSING_MAILBOX = "MISSING_MAILBOX";
    static final String MISSING_DOMAIN = "MISSING_DOMAIN";
    private static final int MAX_ADDRESSES = 1000;

    private enum Kind { WORD, QUOTED, LITERAL, COMMENT, SPECIAL }

    private record Token(Kind kind, String text, boolean spaceBefore) {
        boolean is(char c) {
            return kind == Kind.SPECIAL && text.charAt(0) == c;
        }

        boolean isWordLike() {
            return kind == Kind.WORD || kind == Kind.QUOTED || kind == Kind.LITERAL || is('.');
        }
    }

    private final List<Token> tokens;
    private int pos;
    private final List<Address> out = new ArrayList<>();

    private AddressParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** The addresses of a field value; empty for null or no address. */
    static List<Address> parse(String value) {
        if (value == null || value.isBlank()) return List.of();
        AddressParser p = new AddressParser(tokenize(value));
        p.list(false);
        return List.copyOf(p.out);
    }

    private void list(boolean inGroup) {
        while (pos < tokens.size() && out.size() < MAX_ADDRESSES) {
            Token t = tokens.get(pos);
            if (t.is(',') || t.kind() == Kind.COMMENT) {
                pos++;
            } else if (t.is(';')) {
                if (inGroup) return;
                pos++;
            } else {
                address(inGroup);
            }
        }
    }

    private void address(boolean inGroup) {
        List<Token> phrase = new ArrayList<>();
        while (pos < tokens.size()) {
            Token t = tokens.get(pos);
            if (t.isWordLike()) {
                phrase.add(t);
                pos++;
            } else if (t.kind() == Kind.COMMENT) {
                pos++;
            } else if (t.is('<')) {
                pos++;
                angleAddress(join(phrase, true));
                return;
            } else if (t.is(':') && !inGroup) {
                pos++;
                String name = join(phrase, true);
                out.add(new Address(null, null, name.isEmpty() ? null : name, null));
                list(true);
                if (pos < tokens.size() && tokens.get(pos).is(';')) pos++;
                out.add(new Address(null, null, null, null));
                return;
            } else if (t.is('@')) {
                pos++;
                String domain = domain();
                String local = join(phrase, false);
                out.add(new Address(trailingComment(), null, local.isEmpty() ? MISSING_MAILBOX : local,
                        domain.isEmpty() ? MISSING_DOMAIN : domain));
                return;
            } else if (t.is(',') || t.is(';')) {
                break;
            } else {
                pos++;    // a stray '>' or ':' inside a group: ignored
            }
        }
        if (!phrase.isEmpty()) out.add(new Address(null, null, join(phrase, false), MISSING_DOMAIN));
    }

    /** After "<": [route ":"] local-part ["@" domain] ">" then comments. */
    private void angleAddress(String name) {
        String adl = null;
        if (pos < tokens.size() && tokens.get(pos).is('@')) {
            StringBuilder route = new StringBuilder();
            while (pos < tokens.size() && (tokens.get(pos).is('@') || tokens.get(pos).is(','))) {
                Token t = tokens.get(pos++);
                if (t.is(',')) {
                    route.append(',');
                } else {
                    route.append('@').append(domain());
                }
            }
            if (pos < tokens.size() && tokens.get(pos).is(':')) pos++;
            adl = route.toString();
        }
        List<Token> local = new ArrayList<>();
        while (pos < tokens.size() && !tokens.get(pos).is('@') && !tokens.get(pos).is('>')
                && !tokens.get(pos).is(',') && !tokens.get(pos).is(';')) {
            Token t = tokens.get(pos++);
            if (t.isWordLike()) local.add(t);
        }
        String domain = "";
        if (pos < tokens.size() && tokens.get(pos).is('@')) {
            pos++;
            domain = domain();
        }
        if (pos < tokens.size() && tokens.get(pos).is('>')) pos++;
        String comment = trailingComment();
        String localPart = join(local, false);
        if (name.isEmpty()) name = comment;
        out.add(new Address(name == null || name.isEmpty() ? null : name, adl,
                localPart.isEmpty() ? MISSING_MAILBOX : localPart, domain.isEmpty() ? MISSING_DOMAIN : domain));
    }

    /** Domain atoms, dots and literals up to a delimiter, joined without spaces. */
    private String domain() {
        StringBuilder d = new StringBuilder();
        while (pos < tokens.size()) {
            Token t = tokens.get(pos);
            if (t.kind() == Kind.COMMENT && d.isEmpty()) {
                pos++;
            } else if (t.kind() == Kind.WORD || t.kind() == Kind.LITERAL || t.kind() == Kind.QUOTED || t.is('.')) {
                d.append(t.text());
                pos++;
            } else {
                break;
            }
        }
        return d.toString();
    }

    /** The last comment before the next ',' / ';' / end, used as a name for "addr (Name)". */
    private String trailingComment() {
        String comment = null;
        while (pos < tokens.size() && tokens.get(pos).kind() == Kind.COMMENT) {
            String c = tokens.get(pos++).text().strip();
            if (!c.isEmpty()) comment = c;
        }
        return comment;
    }

    /** Phrases keep single spaces where the source had white space; local parts and domains have none. */
    private static String join(List<Token> words, boolean spaced) {
        StringBuilder b = new StringBuilder();
        for (Token t : words) {
            if (spaced && t.spaceBefore() && !b.isEmpty()) b.append(' ');
            b.append(t.text());
        }
        return b.toString();
    }

    private static List<Token> tokenize(String s) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = s.length();
        boolean space = false;
        while (i < n) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                space = true;
                i++;
            } else if (c == '"') {
                StringBuilder q = new StringBuilder();
                i++;
                while (i < n && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && i + 1 < n) i++;
                    q.append(s.charAt(i++));
                }
                i++;
                tokens.add(new Token(Kind.QUOTED, q.toString(), space));
                space = false;
            } else if (c == '(') {
                int end = ContentFields.skipComment(s, i);
                String inner = s.substring(i + 1, Math.max(i + 1, s.charAt(end - 1) == ')' ? end - 1 : end));
                tokens.add(new Token(Kind.COMMENT, unescape(inner), space));
                i = end;
                space = true;
            } else if (c == '[') {
                int end = s.indexOf(']', i);
                end = end < 0 ? n : end + 1;
                tokens.add(new Token(Kind.LITERAL, s.substring(i, end), space));
                i = end;
                space = false;
            } else if ("<>@,;:.".indexOf(c) >= 0) {
                tokens.add(new Token(Kind.SPECIAL, String.valueOf(c), space));
                i++;
                space = false;
            } else {
                int start = i;
                while (i < n && " \t\r\n\"(<>@,;:.[".indexOf(s.charAt(i)) < 0) {
                    if (s.charAt(i) == '\\' && i + 1 < n) i++;
                    i++;
                }
                if (i == start) i++;        // a lone ')' or ']': skip it
                else tokens.add(new Token(Kind.WORD, unescape(s.substring(start, i)), space));
                space = false;
            }
        }
        return tokens;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) c = s.charAt(++i);
            b.append(c);
        }
        return b.toString();
    }
}
