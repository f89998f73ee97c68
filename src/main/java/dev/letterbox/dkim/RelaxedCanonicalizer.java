package dev.letterbox.dkim;

import java.util.Locale;

/**
 * The "relaxed" header canonicalisation of RFC 6376 §3.4.2: lower-case name, unfolded value with
 * runs of whitespace made one space, no whitespace at either end of the value or around the colon.
 */
final class RelaxedCanonicalizer {
    private RelaxedCanonicalizer() {}

    /** {@code rawField} is one whole header field as it appears (name, colon, value, folds), without the final CRLF. */
    static String header(String rawField) {
        int colon = rawField.indexOf(':');
        String name = rawField.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = rawField.substring(colon + 1);
        StringBuilder out = new StringBuilder(name.length() + value.length() + 1).append(name).append(':');
        boolean pendingSpace = false;
        boolean started = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') continue; // unfold
            if (c == ' ' || c == '\t') {
                pendingSpace = started;
                continue;
            }
            if (pendingSpace) out.append(' ');
            pendingSpace = false;
            started = true;
            out.append(c);
        }
        return out.toString();
    }
}
