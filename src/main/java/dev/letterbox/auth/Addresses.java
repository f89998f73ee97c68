package dev.letterbox.auth;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Syntax and normal form of the addresses and domain names the directory stores: lower-case,
 * domains in ASCII (IDNs as A-labels), local parts of at most 64 octets without whitespace or
 * control characters (UTF-8 allowed, RFC 6531).
 */
public final class Addresses {
    private Addresses() {}

    /** Labels of letters, digits and inner hyphens, 63 octets at most, two labels at least. */
    private static final Pattern HOST_NAME =
            Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) return false;
        }
        return true;
    }

    /** The normal form of a domain name, or empty when it is not a valid one. */
    public static Optional<String> normalizeDomain(String domain) {
        if (domain == null) return Optional.empty();
        String d = domain;
        if (d.endsWith(".")) d = d.substring(0, d.length() - 1);
        if (d.isEmpty() || d.length() > 253) return Optional.empty();
        if (isAscii(d)) {
            // IDN.toASCII leaves an ASCII name as it is; the pattern makes the same checks it does
            d = d.toLowerCase(Locale.ROOT);
        } else {
            try {
                d = IDN.toASCII(d, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        if (!HOST_NAME.matcher(d).matches()) return Optional.empty();
        return Optional.of(d);
    }

    /** The normal form of {@code local@domain}, or empty when either part is invalid. */
    public static Optional<String> normalize(String address) {
        if (address == null) return Optional.empty();
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) return Optional.empty();
        String local = address.substring(0, at);
        if (!validLocalPart(local)) return Optional.empty();
        return normalizeDomain(address.substring(at + 1)).map(d -> local.toLowerCase(Locale.ROOT) + "@" + d);
    }

    /** An alias key: a full address, or {@code @domain} for a catch-all. */
    public static Optional<String> normalizeAliasKey(String key) {
        if (key != null && key.startsWith("@")) return normalizeDomain(key.substring(1)).map(d -> "@" + d);
        return normalize(key);
    }

    public static String domainOf(String normalizedAddress) {
        return normalizedAddress.substring(normalizedAddress.lastIndexOf('@') + 1);
    }

    public static String localPartOf(String normalizedAddress) {
        return normalizedAddress.substring(0, normalizedAddress.lastIndexOf('@'));
    }

    static boolean validLocalPart(String local) {
        if (local.isEmpty() || local.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 64) return false;
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) return false;
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '@' || c == '"' || c == '\\' || c == '<' || c == '>'
                    || c == '(' || c == ')' || c == ',' || c == ';' || c == ':' || c == '[' || c == ']') {
                return false;
            }
        }
        return true;
    }
}
