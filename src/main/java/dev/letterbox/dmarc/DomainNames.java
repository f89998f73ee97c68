package dev.letterbox.dmarc;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/**
 * Domain names in the one form DMARC compares them in: A-labels (RFC 5890), lower case, no trailing
 * dot. "Example.COM.", "bücher.example" and "xn--bcher-kva.example" each have exactly one such form,
 * so two names are the same domain exactly when their forms are equal strings.
 */
final class DomainNames {
    /** RFC 1035 §2.3.4: 255 octets on the wire, so at most 253 characters written out. */
    static final int MAX_LENGTH = 253;
    private static final int MAX_LABEL = 63;

    private DomainNames() {}

    /**
     * The A-label, lower-case form of {@code name}, or empty when it is not a usable host name:
     * empty labels, a label over 63 octets, characters other than letters, digits, '-' and '_'
     * after IDNA conversion, or longer than {@link #MAX_LENGTH}. Underscores are allowed because DNS
     * names such as {@code _dmarc.example.com} carry them, and a From domain may too.
     */
    static Optional<String> ascii(String name) {
        if (name == null || name.isEmpty() || name.length() > 4 * MAX_LENGTH) return Optional.empty();
        String s = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        String ascii;
        try {
            ascii = isAscii(s) ? s : IDN.toASCII(s, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        ascii = ascii.toLowerCase(Locale.ROOT);
        return valid(ascii) ? Optional.of(ascii) : Optional.empty();
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) return false;
        }
        return true;
    }

    private static boolean valid(String s) {
        if (s.isEmpty() || s.length() > MAX_LENGTH) return false;
        int labelLength = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (labelLength == 0) return false;
                labelLength = 0;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                if (++labelLength > MAX_LABEL) return false;
            } else {
                return false;
            }
        }
        return labelLength > 0;
    }
}
