package dev.letterbox.smtp;

import java.util.Optional;

/**
 * RFC 3461 §4 xtext: printable ASCII except "+" and "=", which (and anything else) travel as "+XX"
 * with two upper-case hex digits. Used by ENVID, ORCPT and AUTH=.
 */
public final class Xtext {
    private Xtext() {}

    /** The decoded text, or empty when {@code s} is not valid xtext. */
    public static Optional<String> decode(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                if (i + 2 >= s.length()) return Optional.empty();
                int hi = hex(s.charAt(i + 1)), lo = hex(s.charAt(i + 2));
                if (hi < 0 || lo < 0) return Optional.empty();
                sb.append((char) (hi * 16 + lo));
                i += 2;
            } else if (c >= 33 && c <= 126 && c != '=') {
                sb.append(c);
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(sb.toString());
    }

    public static String encode(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 33 && c <= 126 && c != '+' && c != '=') sb.append(c);
            else if (c < 0x80) sb.append('+').append(String.format("%02X", (int) c));
            else sb.append(c); // non-ASCII: only under SMTPUTF8 (RFC 6533), passed as UTF-8
        }
        return sb.toString();
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
