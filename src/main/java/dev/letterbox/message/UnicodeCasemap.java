package dev.letterbox.message;

import java.text.Normalizer;
import java.util.Comparator;

/**
 * The i;unicode-casemap collation (RFC 5051) that IMAP SEARCH, SORT and THREAD use (RFC 5256 §1
 * requires collation per I18NLEVEL=1, RFC 5255): each character is replaced by its titlecase form and
 * then by its canonical decomposition; keys compare as UTF-8 octets, i.e. by code point, and match as
 * substrings. So "émile" sorts with the E's (E, U+0301, ...), "Ñandú" between "Notify" and "Of", and
 * a search for "re" finds "Réunion", as Dovecot does.
 */
public final class UnicodeCasemap {
    private UnicodeCasemap() {}

    /** Order of two {@link #key keys}: code point by code point, as their UTF-8 octets would compare. */
    public static final Comparator<String> ORDER = UnicodeCasemap::compareCodePoints;

    /** The mapped form of each BMP character, filled on first use (decomposing is slow; text repeats). */
    private static final String[] BMP = new String[0x10000];

    /** The "titlecased canonicalized" form of {@code s}; null counts as "". */
    public static String key(CharSequence s) {
        if (s == null || s.isEmpty()) return "";
        StringBuilder out = new StringBuilder(s.length());
        append(s, 0, s.length(), out);
        return out.toString();
    }

    /** Appends the mapped form of {@code s[from, to)}; a lone surrogate stands for itself. */
    static void append(CharSequence s, int from, int to, StringBuilder out) {
        for (int i = from; i < to; ) {
            int cp = Character.codePointAt(s, i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                out.append((char) (cp >= 'a' && cp <= 'z' ? cp - ('a' - 'A') : cp));
            } else if (cp < 0x10000) {
                String mapped = BMP[cp];
                if (mapped == null) BMP[cp] = mapped = map(cp); // a benign race: every thread computes the same
                out.append(mapped);
            } else {
                out.append(map(cp));
            }
        }
    }

    private static String map(int cp) {
        return Normalizer.normalize(Character.toString(Character.toTitleCase(cp)), Normalizer.Form.NFD);
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i), y = b.codePointAt(j);
            if (x != y) return Integer.compare(x, y);
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
