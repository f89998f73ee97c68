package dev.letterbox.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An SPF macro-string (RFC 7208 §7.1), parsed once when the record is read and expanded for each
 * use. Three flavours share the grammar: a domain-spec (must end in a macro or "." toplabel), an
 * explain-string (spaces allowed, and the exp-only letters c, r, t), and an unknown modifier's
 * value (checked, never expanded).
 *
 * <p>Expansion is bounded: a result longer than {@value #MAX_EXPANSION} characters is a permerror,
 * whatever a record asks of a long sender or HELO.
 */
final class MacroString {
    static final int MAX_EXPANSION = 8192;
    /** §7.3 requires at least 127 parts; a bigger number keeps all parts, so it saturates here. */
    private static final int MAX_KEEP = 1000;
    private static final String LETTERS = "slodiphv";
    private static final String EXPLAIN_ONLY_LETTERS = "crt";
    private static final String DELIMITERS = ".-+,/_=";

    /** Where a macro letter's value comes from during one check. */
    @FunctionalInterface
    interface Values {
        /** The value of lower-case {@code letter}, untransformed. */
        String of(char letter) throws SpfException;
    }

    private sealed interface Part permits Literal, Macro {}

    /** Plain text; {@code fromMacro} for the expansions of %%, %_ and %- (they end a domain-spec). */
    private record Literal(String text, boolean fromMacro) implements Part {}

    /**
     * %{...}: {@code keep} rightmost parts (0 = all) after an optional reversal, split on
     * {@code delimiters}; {@code urlEscape} for an upper-case letter (§7.3).
     */
    private record Macro(char letter, boolean urlEscape, int keep, boolean reverse, String delimiters) implements Part {}

    private final List<Part> parts;
    private final String text;

    private MacroString(List<Part> parts, String text) {
        this.parts = parts;
        this.text = text;
    }

    /** The text as written in the record. */
    @Override
    public String toString() {
        return text;
    }

    /** A domain-spec (§7.1): a non-empty macro-string ending in a macro-expand or "." toplabel ["."]. */
    static MacroString domainSpec(String s) throws SpfException {
        MacroString m = parse(s, false);
        if (m.parts.isEmpty()) throw SpfException.perm("empty domain-spec");
        Part last = m.parts.getLast();
        if (last instanceof Macro || (last instanceof Literal l && l.fromMacro())) return m;
        String tail = ((Literal) last).text();
        if (tail.endsWith(".")) tail = tail.substring(0, tail.length() - 1);
        int dot = tail.lastIndexOf('.');
        if (dot < 0 || !isTopLabel(tail.substring(dot + 1))) {
            throw SpfException.perm("domain-spec \"" + s + "\" does not end in a macro or a valid top-level label");
        }
        return m;
    }

    /** The text of an exp= TXT record (§6.2): macro-strings and spaces, all letters allowed. */
    static MacroString explainString(String s) throws SpfException {
        return parse(s, true);
    }

    /** An unknown modifier's value (§6.3): must be a valid macro-string, is otherwise ignored. */
    static MacroString modifierValue(String s) throws SpfException {
        return parse(s, false);
    }

    private static MacroString parse(String s, boolean explanation) throws SpfException {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '%') {
                boolean visible = c >= 0x21 && c <= 0x7E;
                if (!visible && !(explanation && c == ' ')) {
                    throw SpfException.perm("character 0x" + Integer.toHexString(c) + " not allowed in \"" + printable(s) + "\"");
                }
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 >= s.length()) throw SpfException.perm("'%' at the end of \"" + printable(s) + "\"");
            char next = s.charAt(i + 1);
            String escaped = switch (next) {
                case '%' -> "%";
                case '_' -> " ";
                case '-' -> "%20";
                default -> null;
            };
            flush(literal, parts);
            if (escaped != null) {
                parts.add(new Literal(escaped, true));
                i += 2;
            } else if (next == '{') {
                i = parseMacro(s, i + 2, explanation, parts);
            } else {
                throw SpfException.perm("'%' followed by '" + printable(String.valueOf(next)) + "' in \"" + printable(s) + "\"");
            }
        }
        flush(literal, parts);
        return new MacroString(List.copyOf(parts), s);
    }

    /** Parses "letter transformers *delimiter }" from {@code i}; returns the index after '}'. */
    private static int parseMacro(String s, int i, boolean explanation, List<Part> parts) throws SpfException {
        if (i >= s.length()) throw SpfException.perm("unterminated macro in \"" + printable(s) + "\"");
        char letter = s.charAt(i);
        char lower = Character.toLowerCase(letter);
        boolean known = letter < 0x80 && (LETTERS.indexOf(lower) >= 0 || EXPLAIN_ONLY_LETTERS.indexOf(lower) >= 0);
        if (!known) throw SpfException.perm("unknown macro letter '" + printable(String.valueOf(letter)) + "'");
        if (!explanation && EXPLAIN_ONLY_LETTERS.indexOf(lower) >= 0) {
            throw SpfException.perm("macro letter '" + letter + "' is allowed only in explanations");
        }
        i++;
        int keep = 0;
        boolean digits = false;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            keep = Math.min(MAX_KEEP, keep * 10 + (s.charAt(i) - '0'));
            digits = true;
            i++;
        }
        if (digits && keep == 0) throw SpfException.perm("macro part count 0 in \"" + printable(s) + "\"");
        boolean reverse = false;
        if (i < s.length() && (s.charAt(i) == 'r' || s.charAt(i) == 'R')) {
            reverse = true;
            i++;
        }
        int delimitersStart = i;
        while (i < s.length() && DELIMITERS.indexOf(s.charAt(i)) >= 0) i++;
        String delimiters = s.substring(delimitersStart, i);
        if (i >= s.length() || s.charAt(i) != '}') throw SpfException.perm("malformed macro in \"" + printable(s) + "\"");
        parts.add(new Macro(lower, Character.isUpperCase(letter), keep, reverse, delimiters.isEmpty() ? "." : delimiters));
        return i + 1;
    }

    private static void flush(StringBuilder literal, List<Part> parts) {
        if (literal.isEmpty()) return;
        parts.add(new Literal(literal.toString(), false));
        literal.setLength(0);
    }

    /** Expands every macro (§7.3). A permerror when the result would exceed {@value #MAX_EXPANSION}. */
    String expand(Values values) throws SpfException {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            switch (part) {
                case Literal l -> out.append(l.text());
                case Macro m -> {
                    String value = transformed(values.of(m.letter()), m);
                    out.append(m.urlEscape() ? urlEscaped(value) : value);
                }
            }
            if (out.length() > MAX_EXPANSION) throw SpfException.perm("macro expansion of \"" + text + "\" too long");
        }
        return out.toString();
    }

    /** Split on the delimiters, reverse if asked, keep the rightmost parts, join with dots (§7.3). */
    private static String transformed(String value, Macro m) {
        if (m.keep() == 0 && !m.reverse() && m.delimiters().equals(".")) return value;
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (m.delimiters().indexOf(value.charAt(i)) >= 0) {
                pieces.add(value.substring(start, i));
                start = i + 1;
            }
        }
        pieces.add(value.substring(start));
        if (m.reverse()) Collections.reverse(pieces);
        if (m.keep() > 0 && m.keep() < pieces.size()) pieces = pieces.subList(pieces.size() - m.keep(), pieces.size());
        return String.join(".", pieces);
    }

    /** RFC 3986 percent-encoding of everything outside "unreserved", byte by byte of the UTF-8. */
    private static String urlEscaped(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~';
            if (unreserved) sb.append((char) c);
            else sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
        }
        return sb.toString();
    }

    /**
     * toplabel (§7.1): letters, digits and hyphens, starting and ending with a letter or digit, and
     * not all digits (RFC 3696 §2) unless it has a hyphen.
     */
    static boolean isTopLabel(String label) {
        if (label.isEmpty() || label.length() > 63) return false;
        boolean alpha = false, dash = false;
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean digit = c >= '0' && c <= '9';
            if (c == '-') {
                if (i == 0 || i == label.length() - 1) return false;
                dash = true;
            } else if (!letter && !digit) {
                return false;
            }
            alpha |= letter;
        }
        return alpha || dash;
    }

    /** For messages: control and non-ASCII characters shown as '?', and at most 100 characters. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 100));
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        if (s.length() > 100) sb.append("...");
        return sb.toString();
    }
}
