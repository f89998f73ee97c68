package dev.letterbox.dkim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tag=value list (RFC 6376 §3.2), as DKIM-Signature, key records, ARC-Seal and
 * ARC-Message-Signature use it. Tag names are case-sensitive; a name given twice makes the whole
 * list invalid; values are kept with their inner whitespace (folds included) but trimmed at both
 * ends. A trailing ";" is allowed, an empty tag-spec elsewhere (";;") is not. Bounded: at most {@link #MAX_TAGS}
 * tags, and one pass over the text.
 */
public final class TagList {
    static final int MAX_TAGS = 64;

    /**
     * One tag. {@code valueStart}..{@code valueEnd} is where the value sits in the parsed text,
     * from just after '=' to just before the ';' (or the end), so all surrounding whitespace is
     * included: the span to blank out for the b= tag (RFC 6376 §3.7).
     */
    public record Tag(String name, String value, int valueStart, int valueEnd) {}

    private final Map<String, Tag> tags;

    private TagList(Map<String, Tag> tags) {
        this.tags = Collections.unmodifiableMap(tags);
    }

    /** Parses {@code text} from index {@code from} to its end (positions refer to {@code text}). */
    public static TagList parse(String text, int from) throws DkimException {
        Map<String, Tag> tags = new LinkedHashMap<>();
        int pos = from;
        while (pos <= text.length()) {
            int semi = text.indexOf(';', pos);
            int end = semi < 0 ? text.length() : semi;
            if (isBlank(text, pos, end)) {
                // only the list's end may be empty: "a=1;" is fine, "a=1;;b=2" is not (§3.2 grammar)
                if (semi >= 0) throw DkimException.neutral("empty tag between semicolons");
            } else {
                if (tags.size() == MAX_TAGS) throw DkimException.neutral("more than " + MAX_TAGS + " tags");
                Tag tag = tag(text, pos, end);
                if (tags.putIfAbsent(tag.name(), tag) != null) throw DkimException.neutral("tag " + tag.name() + "= given twice");
            }
            if (semi < 0) break;
            pos = semi + 1;
        }
        return new TagList(tags);
    }

    public static TagList parse(String text) throws DkimException {
        return parse(text, 0);
    }

    private static Tag tag(String text, int start, int end) throws DkimException {
        int eq = text.indexOf('=', start);
        if (eq < 0 || eq >= end) throw DkimException.neutral("'" + shorten(text.substring(start, end).strip()) + "' is not tag=value");
        int nameStart = skipSpace(text, start, eq);
        int nameEnd = eq;
        while (nameEnd > nameStart && isSpace(text.charAt(nameEnd - 1))) nameEnd--;
        String name = text.substring(nameStart, nameEnd);
        if (!validName(name)) throw DkimException.neutral("'" + shorten(name) + "' is not a tag name");
        int valueStart = skipSpace(text, eq + 1, end);
        int valueEnd = end;
        while (valueEnd > valueStart && isSpace(text.charAt(valueEnd - 1))) valueEnd--;
        for (int i = valueStart; i < valueEnd; i++) {
            char c = text.charAt(i);
            if (c < 0x21 && !isSpace(c) || c == 0x7f) throw DkimException.neutral("control character in the value of " + name + "=");
            // a fold must be CRLF followed by whitespace
            if (c == '\n' && (i + 1 >= valueEnd || !isWsp(text.charAt(i + 1)))) throw DkimException.neutral("broken fold in " + name + "=");
        }
        return new Tag(name, text.substring(valueStart, valueEnd), eq + 1, end);
    }

    /** tag-name = ALPHA *(ALPHA / DIGIT / "_") */
    private static boolean validName(String name) {
        if (name.isEmpty() || !isAlpha(name.charAt(0))) return false;
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') return false;
        }
        return true;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    /** Whitespace that may appear around and inside values: WSP and the CRLF of folds. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static int skipSpace(String s, int from, int to) {
        while (from < to && isSpace(s.charAt(from))) from++;
        return from;
    }

    private static boolean isBlank(String s, int from, int to) {
        return skipSpace(s, from, to) == to;
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** The value of {@code name}, or null when the tag is absent. */
    public String get(String name) {
        Tag tag = tags.get(name);
        return tag == null ? null : tag.value();
    }

    public Tag tag(String name) {
        return tags.get(name);
    }

    public boolean has(String name) {
        return tags.containsKey(name);
    }

    /** The value of {@code name}, refusing an absent or empty one. */
    public String required(String name) throws DkimException {
        String value = get(name);
        if (value == null) throw DkimException.neutral("required tag " + name + "= is missing");
        if (value.isEmpty()) throw DkimException.neutral("required tag " + name + "= is empty");
        return value;
    }

    /** The name of the first tag (key records require v= to be first), or null when empty. */
    String firstName() {
        return tags.isEmpty() ? null : tags.keySet().iterator().next();
    }

    /**
     * {@code text} (the text this list was parsed from) with the value of tag {@code name} blanked
     * out, whitespace around it included: the form a signature has while its b= is computed.
     */
    public String withEmptyValue(String text, String name) {
        Tag tag = tags.get(name);
        if (tag == null) return text;
        return text.substring(0, tag.valueStart()) + text.substring(tag.valueEnd());
    }

    /** A value with all whitespace (folds included) removed, as base64 values are read. */
    public static String squeeze(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isSpace(c)) sb.append(c);
        }
        return sb.toString();
    }
}
