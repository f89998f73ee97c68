package dev.letterbox.dmarc;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the mailboxes of a From field (RFC 5322 §3.4, §3.6.2, with the obsolete forms of §4.4 and
 * RFC 6532 UTF-8) just far enough to find their domains. It has to agree with what a mail reader
 * shows as the sender, so it skips what readers skip — comments, quoted strings, RFC 2047 encoded
 * words in display names, group names — and takes the domain of each angle address or bare
 * addr-spec.
 *
 * <p>Bounds: at most {@link #MAX_FIELD} characters of a field, {@link #MAX_MAILBOXES} mailboxes,
 * {@link #MAX_FROM_FIELDS} From fields counted, comment nesting {@link #MAX_NESTING}.
 */
final class FromField {
    static final int MAX_FIELD = 16 * 1024;
    static final int MAX_MAILBOXES = 100;
    static final int MAX_FROM_FIELDS = 10;
    static final int MAX_NESTING = 50;

    private final String value;
    private int pos;

    private FromField(String value) {
        this.value = value;
    }

    static Author parse(byte[] header, int end) {
        List<String> fields = fromFields(header, end);
        if (fields.isEmpty()) return new Author.Missing();
        if (fields.size() > 1) return new Author.SeveralFields(fields.size());
        String raw = fields.get(0);
        if (raw.length() > MAX_FIELD) return new Author.Unusable("From field longer than " + MAX_FIELD + " characters");
        List<String> addrSpecs;
        try {
            addrSpecs = new FromField(raw).mailboxes();
        } catch (IllegalArgumentException e) {
            return new Author.Unusable(e.getMessage());
        }
        Set<String> domains = new LinkedHashSet<>();
        for (String spec : addrSpecs) domainOf(spec).ifPresent(domains::add);
        if (domains.isEmpty()) {
            return new Author.Unusable(addrSpecs.isEmpty() ? "no mailbox in the From field" : "no usable domain in the From field");
        }
        return new Author.Domains(new ArrayList<>(domains));
    }

    /** The unfolded values of the fields named From (case-insensitive), at most MAX_FROM_FIELDS + 1 of them. */
    private static List<String> fromFields(byte[] b, int end) {
        List<String> out = new ArrayList<>();
        int line = 0;
        while (line < end && out.size() <= MAX_FROM_FIELDS) {
            if (b[line] == '\n' || (b[line] == '\r' && line + 1 < end && b[line + 1] == '\n')) break; // the empty line: body follows
            int next = nextLine(b, line, end);
            if (startsField(b, line, end, "from")) {
                int colon = line;
                while (b[colon] != ':') colon++;
                int fieldEnd = next;
                while (fieldEnd < end && (b[fieldEnd] == ' ' || b[fieldEnd] == '\t')) fieldEnd = nextLine(b, fieldEnd, end);
                int len = Math.min(fieldEnd - colon - 1, MAX_FIELD + 1); // one over: "too long" is seen
                out.add(unfold(decode(b, colon + 1, len)));
                next = fieldEnd;
            }
            line = next;
        }
        return out;
    }

    private static int nextLine(byte[] b, int from, int end) {
        int i = from;
        while (i < end && b[i] != '\n') i++;
        return Math.min(i + 1, end);
    }

    /** A line starting "name", optional obsolete WSP, then ':' (RFC 5322 §4.5.3 allows the WSP). */
    private static boolean startsField(byte[] b, int at, int end, String name) {
        int i = at;
        for (int j = 0; j < name.length(); j++, i++) {
            if (i >= end || Character.toLowerCase((char) (b[i] & 0xff)) != name.charAt(j)) return false;
        }
        while (i < end && (b[i] == ' ' || b[i] == '\t')) i++;
        return i < end && b[i] == ':';
    }

    /** UTF-8 (RFC 6532); bytes that are not UTF-8 are read as Latin-1 so nothing is lost to parsing. */
    private static String decode(byte[] b, int off, int len) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len)).toString();
        } catch (CharacterCodingException e) {
            return new String(b, off, len, StandardCharsets.ISO_8859_1);
        }
    }

    private static String unfold(String s) {
        return s.replace("\r", "").replace("\n", "");
    }

    /**
     * The addr-specs of the field's mailboxes, in order: the inside of each angle address (without an
     * obsolete route), or a bare addr-spec; group names and display names are dropped.
     */
    private List<String> mailboxes() {
        List<String> out = new ArrayList<>();
        StringBuilder bare = new StringBuilder(); // the current mailbox outside quotes, comments, encoded words
        String angle = null;
        while (pos < value.length()) {
            char c = value.charAt(pos);
            switch (c) {
                case '(' -> skipComment();
                case '"' -> {
                    skipQuoted();
                    bare.append('"'); // keeps a quoted local part ("a b"@x) attached to its '@'
                }
                case '<' -> {
                    pos++;
                    // A second angle address without a comma: both count, whichever a reader shows.
                    if (angle != null) add(out, angle, bare);
                    angle = angleContent();
                }
                case ':' -> { // a group's display name ends; so does an obsolete route inside <...>, handled there
                    pos++;
                    bare.setLength(0);
                }
                case ',', ';' -> {
                    pos++;
                    add(out, angle, bare);
                    angle = null;
                    bare.setLength(0);
                }
                default -> {
                    int afterWord = c == '=' ? encodedWordAt(pos) : -1;
                    if (afterWord > 0) {
                        pos = afterWord;
                    } else {
                        appendCollapsed(bare, c);
                        pos++;
                    }
                }
            }
        }
        add(out, angle, bare);
        return out;
    }

    /** Whitespace is kept as one space: CFWS may surround the dots of a domain, but may not split a label. */
    private static void appendCollapsed(StringBuilder sb, char c) {
        if (!Character.isWhitespace(c)) sb.append(c);
        else if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ' ') sb.append(' ');
    }

    private static void add(List<String> out, String angle, StringBuilder bare) {
        String spec = (angle != null ? angle : bare.toString()).strip();
        if (spec.isEmpty()) return; // obs-mbox-list allows empty elements; a group may be empty
        if (out.size() >= MAX_MAILBOXES) throw new IllegalArgumentException("more than " + MAX_MAILBOXES + " mailboxes in From");
        out.add(spec);
    }

    /** After '<': the addr-spec up to '>', comments and whitespace dropped, an obsolete route removed. */
    private String angleContent() {
        StringBuilder spec = new StringBuilder();
        while (pos < value.length()) {
            char c = value.charAt(pos);
            if (c == '>') {
                pos++;
                break;
            }
            if (c == '(') {
                skipComment();
            } else if (c == '"') {
                skipQuoted();
                spec.append('"');
            } else {
                if (c == ':' && spec.length() > 0 && spec.charAt(0) == '@') spec.setLength(0); // obs-route "@a,@b:"
                else appendCollapsed(spec, c);
                pos++;
            }
        }
        return spec.toString();
    }

    private void skipComment() {
        int depth = 0;
        while (pos < value.length()) {
            char c = value.charAt(pos++);
            if (c == '\\') {
                pos++;
            } else if (c == '(') {
                if (++depth > MAX_NESTING) throw new IllegalArgumentException("comments nested too deep in From");
            } else if (c == ')' && --depth == 0) {
                return;
            }
        }
    }

    private void skipQuoted() {
        pos++; // the opening quote
        while (pos < value.length()) {
            char c = value.charAt(pos++);
            if (c == '\\') pos++;
            else if (c == '"') return;
        }
    }

    /**
     * If an RFC 2047 encoded word ({@code =?charset?B|Q?text?=}, no whitespace, at most 75
     * characters) starts at {@code at}, the index just after it; else -1. A display name made of
     * encoded words may hide '@', ',' or '<' in the text that readers decode: it is skipped whole.
     */
    private int encodedWordAt(int at) {
        int limit = Math.min(value.length(), at + 75);
        if (at + 1 >= limit || value.charAt(at + 1) != '?') return -1;
        int questionMarks = 0;
        for (int i = at + 2; i < limit; i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c)) return -1;
            if (c == '?' && ++questionMarks == 3) {
                return i + 1 < limit && value.charAt(i + 1) == '=' ? i + 2 : -1;
            }
        }
        return -1;
    }

    /** The domain after the last '@' of an addr-spec, normalised; empty for a domain literal or junk. */
    static Optional<String> domainOf(String addrSpec) {
        int at = addrSpec.lastIndexOf('@');
        if (at < 0 || at == addrSpec.length() - 1) return Optional.empty();
        String domain = addrSpec.substring(at + 1).strip().replace(" .", ".").replace(". ", ".");
        if (domain.startsWith("[")) return Optional.empty(); // a domain literal names no domain to check
        if (domain.indexOf(' ') >= 0) return Optional.empty(); // "exa mple": two atoms, no domain
        return DomainNames.ascii(domain);
    }
}
