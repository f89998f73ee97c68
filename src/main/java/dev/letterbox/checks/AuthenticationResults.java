package dev.letterbox.checks;

import java.util.List;

/**
 * The one Authentication-Results field (RFC 8601) we put on mail from the Internet: our host name
 * as the authserv-id, then each method's result, one per folded line.
 */
final class AuthenticationResults {
    private AuthenticationResults() {}

    /** The whole field, CRLF-terminated; "none" (§2.2) when no method ran. */
    static String field(String authservId, List<String> results) {
        StringBuilder sb = new StringBuilder("Authentication-Results: ").append(authservId);
        if (results.isEmpty()) return sb.append("; none\r\n").toString();
        for (String r : results) sb.append(";\r\n\t").append(r);
        return sb.append("\r\n").toString();
    }

    /**
     * A property value (RFC 8601 §2.2): as it is when it is a token or an address-like word, else a
     * quoted string. Bounded: results never carry much.
     */
    static String value(String text) {
        String v = text.length() > 200 ? text.substring(0, 200) : text;
        if (v.matches("[A-Za-z0-9!#$%&'*+\\-.^_`{|}~@/=]+")) return v;
        StringBuilder sb = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\');
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.append('"').toString();
    }

    /** Text made safe inside a comment: printable ASCII without parentheses or backslashes, bounded. */
    static String commentSafe(String text) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), 200));
        for (int i = 0; i < text.length() && sb.length() < 200; i++) {
            char c = text.charAt(i);
            sb.append(c >= 0x21 && c <= 0x7e && c != '(' && c != ')' && c != '\\' ? c : c == ' ' ? ' ' : '?');
        }
        return sb.toString();
    }
}
