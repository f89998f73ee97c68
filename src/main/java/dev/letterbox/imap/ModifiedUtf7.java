package dev.letterbox.imap;

import java.util.Optional;

/**
 * The modified UTF-7 of RFC 3501 §5.1.3, in which IMAP4rev1 carries non-ASCII mailbox names:
 * printable ASCII stands for itself except '&', which is written "&-"; anything else is UTF-16
 * in a modified base64 (',' instead of '/', no padding) between '&' and '-'.
 */
public final class ModifiedUtf7 {
    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".toCharArray();
    private static final int[] VALUE = new int[128];

    static {
        java.util.Arrays.fill(VALUE, -1);
        for (int i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET[i]] = i;
    }

    private ModifiedUtf7() {}

    public static String encode(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                out.append(c);
                if (c == '&') out.append('-');
                i++;
                continue;
            }
            int end = i;
            while (end < name.length() && (name.charAt(end) < 0x20 || name.charAt(end) > 0x7e)) end++;
            out.append('&');
            int bits = 0, buffer = 0;
            for (int k = i; k < end; k++) {
                buffer = (buffer << 16) | name.charAt(k);
                bits += 16;
                while (bits >= 6) {
                    bits -= 6;
                    out.append(ALPHABET[(buffer >> bits) & 0x3f]);
                }
            }
            if (bits > 0) out.append(ALPHABET[(buffer << (6 - bits)) & 0x3f]);
            out.append('-');
            i = end;
        }
        return out.toString();
    }

    /**
     * Decodes strictly: empty when the text is not valid modified UTF-7 (a bare '&', a shift that
     * encodes printable ASCII or ends mid-character, non-zero padding bits, broken surrogates).
     */
    public static Optional<String> decode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) return Optional.empty();
            if (c != '&') {
                out.append(c);
                i++;
                continue;
            }
            int end = text.indexOf('-', i + 1);
            if (end < 0) return Optional.empty();
            if (end == i + 1) {
                out.append('&');
                i = end + 1;
                continue;
            }
            int bits = 0, buffer = 0;
            int before = out.length();
            for (int k = i + 1; k < end; k++) {
                char b = text.charAt(k);
                int v = b < 128 ? VALUE[b] : -1;
                if (v < 0) return Optional.empty();
                buffer = (buffer << 6) | v;
                bits += 6;
                if (bits >= 16) {
                    bits -= 16;
                    char decoded = (char) ((buffer >> bits) & 0xffff);
                    if (decoded >= 0x20 && decoded <= 0x7e) return Optional.empty(); // must be direct
                    out.append(decoded);
                }
            }
            if (bits >= 6 || (buffer & ((1 << bits) - 1)) != 0 || out.length() == before) return Optional.empty();
            i = end + 1;
            // RFC 3501: "&...-&...-" is not the shortest form; accept it (others do) as long as it decodes.
        }
        String s = out.toString();
        for (int k = 0; k < s.length(); k++) {
            char ch = s.charAt(k);
            if (Character.isHighSurrogate(ch)) {
                if (k + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(k + 1))) return Optional.empty();
                k++;
            } else if (Character.isLowSurrogate(ch)) {
                return Optional.empty();
            }
        }
        return Optional.of(s);
    }
}
