package dev.letterbox.message;

/**
 * Case-insensitive substring search over text fed in pieces (RFC 3501 §6.4.4 SEARCH strings). Both
 * sides are folded code point by code point with {@code toLowerCase(toUpperCase(c))}, which equates
 * the simple case variants of every script (e.g. "É"/"é", "Σ"/"σ"/"ς"); multi-character foldings
 * such as "ß"/"SS" are not applied. The last needle-length-1 characters carry over between pieces, so
 * a match across a piece boundary is found.
 */
final class FoldedMatcher {
    private final String needle;
    private final StringBuilder window = new StringBuilder();
    private boolean found;

    FoldedMatcher(String needle) {
        this.needle = fold(needle);
        this.found = this.needle.isEmpty();
    }

    /** Feeds more text; true once the needle has been seen. */
    boolean feed(CharSequence text, int from, int to) {
        if (found) return true;
        foldInto(text, from, to, window);
        if (window.indexOf(needle) >= 0) {
            found = true;
            return true;
        }
        int keep = needle.length() - 1;
        if (window.length() > keep) window.delete(0, window.length() - keep);
        // Never keep half of a surrogate pair at the start of the window.
        if (!window.isEmpty() && Character.isLowSurrogate(window.charAt(0))) window.deleteCharAt(0);
        return false;
    }

    boolean feed(CharSequence text) {
        return feed(text, 0, text.length());
    }

    boolean found() {
        return found;
    }

    /** Starts over with an empty window (the next text is not a continuation of the previous one). */
    void reset() {
        window.setLength(0);
    }

    static String fold(CharSequence s) {
        StringBuilder b = new StringBuilder(s.length());
        foldInto(s, 0, s.length(), b);
        return b.toString();
    }

    private static void foldInto(CharSequence s, int from, int to, StringBuilder out) {
        for (int i = from; i < to; ) {
            char c = s.charAt(i);
            if (c < 128) {
                out.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
                i++;
                continue;
            }
            int cp = Character.codePointAt(s, i);
            out.appendCodePoint(Character.toLowerCase(Character.toUpperCase(cp)));
            i += Character.charCount(cp);
        }
    }
}
