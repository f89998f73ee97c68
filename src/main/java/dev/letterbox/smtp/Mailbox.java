package dev.letterbox.smtp;

import java.util.Locale;

/**
 * A mailbox of a path (RFC 5321 §4.1.2): local part and domain as the client meant them. A quoted
 * local part is kept unquoted here ({@code "john doe"} is {@code john doe}); {@link #address()}
 * quotes it again when it is not a dot-string, so {@code "user"@x} and {@code user@x} are the same
 * mailbox. The domain is a host name (may hold U-labels under SMTPUTF8) or an address literal in
 * brackets. {@code <Postmaster>} without a domain (RFC 5321 §4.1.1.3) has an empty domain.
 */
public record Mailbox(String localPart, String domain) {
    public static Mailbox barePostmaster() {
        return new Mailbox("Postmaster", "");
    }

    public boolean isBarePostmaster() {
        return domain.isEmpty();
    }

    public boolean isAddressLiteral() {
        return domain.startsWith("[");
    }

    /** {@code local@domain}, the local part quoted (with escapes) when it is not a dot-string. */
    public String address() {
        if (isBarePostmaster()) return localPart;
        return (isDotString(localPart) ? localPart : quote(localPart)) + "@" + domain;
    }

    /** True when any part needs SMTPUTF8 (RFC 6531 §3.2). */
    public boolean isAscii() {
        return ascii(localPart) && ascii(domain);
    }

    public String domainLowerCase() {
        return domain.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return address();
    }

    static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) > 0x7f) return false;
        return true;
    }

    /** RFC 5321 Dot-string: atoms (atext, UTF-8 allowed by RFC 6531) separated by single dots. */
    static boolean isDotString(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '.' && !isAtext(c)) return false;
        }
        return true;
    }

    static boolean isAtext(int c) {
        if (c > 0x7f) return true; // RFC 6531 §3.3: UTF8-non-ascii (checked for SMTPUTF8 by the session)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\');
            sb.append(c);
        }
        return sb.append('"').toString();
    }
}
