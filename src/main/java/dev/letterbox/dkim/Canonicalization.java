package dev.letterbox.dkim;

import java.util.Locale;

/**
 * The two canonicalisation algorithms of RFC 6376 §3.4, for header fields and (through
 * {@link BodyHashes}) for bodies. One implementation serves the signer, the DKIM verifier and ARC.
 */
public enum Canonicalization {
    /** §3.4.1 / §3.4.3: header fields as they are; body with empty lines at the end removed. */
    SIMPLE,
    /** §3.4.2 / §3.4.4: whitespace runs become one space, trailing whitespace goes, names are lower-cased. */
    RELAXED;

    /** The word used in the c= tag. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The c= word (any case), or null when it names no algorithm we know. */
    static Canonicalization parse(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "simple" -> SIMPLE;
            case "relaxed" -> RELAXED;
            default -> null;
        };
    }

    /**
     * The canonical form of one whole header field as it appears in the message (name, colon,
     * value, folds as CRLF), without the final CRLF; the caller appends CRLF where one belongs.
     */
    public String header(String rawField) {
        return this == SIMPLE ? rawField : relaxedHeader(rawField);
    }

    /**
     * RFC 6376 §3.4.2: lower-case name, unfolded value with runs of whitespace made one space, no
     * whitespace at either end of the value or around the colon.
     */
    private static String relaxedHeader(String rawField) {
        int colon = rawField.indexOf(':');
        String name = rawField.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(rawField.length()).append(name).append(':');
        boolean pendingSpace = false;
        boolean started = false;
        for (int i = colon + 1; i < rawField.length(); i++) {
            char c = rawField.charAt(i);
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
