package dev.letterbox.sieve;

import java.util.ArrayList;
import java.util.List;

/**
 * Addresses in header fields (RFC 5322 §3.4) as the address test sees them: comments and display
 * names dropped, groups opened, each address split into local part and domain. Lenient: what is
 * not an address is skipped, never an error.
 */
final class Addresses {
    private Addresses() {}

    /** {@code domain} is null when the address has none. */
    record Address(String local, String domain) {
        String all() {
            return domain == null ? local : local + "@" + domain;
        }
    }

    private static final int MAX_ADDRESSES = 1000;

    static List<Address> parse(String value) {
        String v = stripComments(value);
        List<Address> out = new ArrayList<>();
        for (String piece : splitTopLevel(v)) {
            if (out.size() >= MAX_ADDRESSES) break;
            String p = piece.strip();
            int lt = p.indexOf('<');
            int gt = p.lastIndexOf('>');
            if (lt >= 0 && gt > lt) {
                p = p.substring(lt + 1, gt).strip();
                int colon = p.lastIndexOf(':');
                if (p.startsWith("@") && colon > 0) p = p.substring(colon + 1); // obsolete route
            }
            p = p.replaceAll("\\s+", "");
            if (p.isEmpty()) continue;
            int at = p.lastIndexOf('@');
            out.add(at < 0 ? new Address(p, null) : new Address(p.substring(0, at), p.substring(at + 1)));
        }
        return out;
    }

    /** Splits at commas outside quotes and angle brackets; "name:" group openers and ";" dropped. */
    private static List<String> splitTopLevel(String v) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean angle = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (quoted) {
                cur.append(c);
                if (c == '\\' && i + 1 < v.length()) cur.append(v.charAt(++i));
                else if (c == '"') quoted = false;
            } else if (c == '"') {
                quoted = true;
                cur.append(c);
            } else if (c == '<') {
                angle = true;
                cur.append(c);
            } else if (c == '>') {
                angle = false;
                cur.append(c);
            } else if (!angle && (c == ',' || c == ';')) {
                out.add(cur.toString());
                cur.setLength(0);
            } else if (!angle && c == ':') {
                cur.setLength(0); // a group's display name
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static String stripComments(String v) {
        if (v.indexOf('(') < 0) return v;
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (quoted) {
                sb.append(c);
                if (c == '\\' && i + 1 < v.length()) sb.append(v.charAt(++i));
                else if (c == '"') quoted = false;
            } else if (depth > 0) {
                if (c == '\\') i++;
                else if (c == '(') depth++;
                else if (c == ')') depth--;
            } else if (c == '(') {
                depth = 1;
                sb.append(' ');
            } else {
                if (c == '"') quoted = true;
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Good enough to refuse what cannot be forwarded to: one local@domain, no spaces or brackets. */
    static boolean isMailbox(String s) {
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1 || s.length() > 320) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == '<' || c == '>' || c == ',' || c == ';' || c == '(' || c == ')' || c == 0x7f) {
                return false;
            }
        }
        String domain = s.substring(at + 1);
        return !domain.startsWith(".") && !domain.endsWith(".") && !domain.contains("..");
    }
}
