package dev.letterbox.spf;

/** The domain checks of RFC 7208 §4.3 (and §2.3 for HELO): what check_host() will look up at all. */
final class SpfDomains {
    private SpfDomains() {}

    /**
     * A fully qualified name DNS can carry: at least two labels of 1–63 visible ASCII characters
     * (an optional trailing dot aside), at most 253 characters, not an address literal, and a last
     * label that is not all digits (so "192.0.2.1" is no domain). Anything else gives "none".
     */
    static boolean isCheckable(String domain) {
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (d.isEmpty() || d.length() > 253 || d.startsWith("[")) return false;
        int labels = 0, labelStart = 0;
        for (int i = 0; i <= d.length(); i++) {
            if (i < d.length() && d.charAt(i) != '.') {
                char c = d.charAt(i);
                if (c <= 0x20 || c >= 0x7F) return false;
                continue;
            }
            int length = i - labelStart;
            if (length == 0 || length > 63) return false;
            labels++;
            labelStart = i + 1;
        }
        String last = d.substring(d.lastIndexOf('.') + 1);
        return labels >= 2 && !last.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
