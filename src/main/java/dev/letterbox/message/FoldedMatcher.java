package dev.letterbox.message;

/**
 * Case-insensitive substring search over text fed in pieces (RFC 3501 §6.4.4 SEARCH strings). Both
 * sides are mapped by i;unicode-casemap ({@link UnicodeCasemap}: titlecase, then canonical
 * decomposition), so "É"/"é"/"e\u0301" are one, and "re" is found in "Réunion"; multi-character case
 * foldings such as "ß"/"SS" are not applied (RFC 5051 does not either). The last needle-length-1
 * mapped characters carry over between pieces, so a match across a piece boundary is found.
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
        return UnicodeCasemap.key(s);
    }

    private static void foldInto(CharSequence s, int from, int to, StringBuilder out) {
        UnicodeCasemap.append(s, from, to, out);
    }
}
