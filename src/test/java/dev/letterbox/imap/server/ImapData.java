package dev.letterbox.imap.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads IMAP response data the way a client does (atoms, numbers, quoted strings, literals joined
 * in by {@link ImapTestClient}, NIL, lists) so tests can check values whatever quoting the server
 * chose. {@link #canonical} writes a value back with every string quoted.
 */
final class ImapData {
    private final String s;
    private int pos;

    private ImapData(String s, int pos) {
        this.s = s;
        this.pos = pos;
    }

    /** An atom or number as sent (strings are plain {@link String}s). */
    record Atom(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** "* 3 FETCH (A x B y)" as an ordered map of item name to value (Atom, String, List, or null for NIL). */
    static Map<String, Object> fetch(String response) {
        int at = response.indexOf(" FETCH (");
        if (at < 0) throw new AssertionError("not a FETCH response: " + response);
        ImapData d = new ImapData(response, at + 7);
        List<Object> items = d.list();
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < items.size(); i += 2) out.put(items.get(i).toString(), items.get(i + 1));
        return out;
    }

    /** The item names of "* 3 FETCH (A x B y)" in the order sent, repeats kept. */
    static List<String> fetchNames(String response) {
        int at = response.indexOf(" FETCH (");
        if (at < 0) throw new AssertionError("not a FETCH response: " + response);
        List<Object> items = new ImapData(response, at + 7).list();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < items.size(); i += 2) names.add(items.get(i).toString());
        return names;
    }

    /** The value starting at {@code from}. */
    static Object parse(String text) {
        return new ImapData(text, 0).value();
    }

    private Object value() {
        char c = s.charAt(pos);
        if (c == '(') return list();
        if (c == '"') return quoted();
        if (c == '{' || (c == '~' && s.charAt(pos + 1) == '{')) return literal();
        String atom = atom();
        return atom.equals("NIL") ? null : new Atom(atom);
    }

    private List<Object> list() {
        pos++; // (
        List<Object> out = new ArrayList<>();
        while (s.charAt(pos) != ')') {
            if (s.charAt(pos) == ' ') {
                pos++;
                continue;
            }
            out.add(value());
        }
        pos++;
        return out;
    }

    private String quoted() {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (s.charAt(pos) != '"') {
            char c = s.charAt(pos++);
            if (c == '\\') c = s.charAt(pos++);
            sb.append(c);
        }
        pos++;
        return sb.toString();
    }

    /** "{n}\r\n" then n octets (the test client joined them in as UTF-8 text). */
    private String literal() {
        int close = s.indexOf("}\r\n", pos);
        int n = Integer.parseInt(s.substring(s.indexOf('{', pos) + 1, close));
        int start = close + 3;
        // n counts octets; walk characters until that many UTF-8 octets are consumed
        int end = start, octets = 0;
        while (octets < n) {
            int cp = s.codePointAt(end);
            octets += new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            end += Character.charCount(cp);
        }
        pos = end;
        return s.substring(start, end);
    }

    /** An atom, including section brackets ("BODY[HEADER.FIELDS (A B)]<0>"). */
    private String atom() {
        int start = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '[') {
                pos = s.indexOf(']', pos) + 1;
                continue;
            }
            if (c == ' ' || c == ')' || c == '(') break;
            pos++;
        }
        return s.substring(start, pos);
    }

    /** Every string quoted; lists spaced as RFC 3501 writes ENVELOPE and BODYSTRUCTURE. */
    static String canonical(Object v) {
        StringBuilder b = new StringBuilder();
        canonical(v, b);
        return b.toString();
    }

    private static void canonical(Object v, StringBuilder b) {
        if (v == null) {
            b.append("NIL");
        } else if (v instanceof List<?> l) {
            b.append('(');
            boolean leading = true;
            for (int i = 0; i < l.size(); i++) {
                leading &= l.get(i) instanceof List;
                if (i > 0 && !leading) b.append(' ');
                canonical(l.get(i), b);
            }
            b.append(')');
        } else if (v instanceof Atom a) {
            b.append(a.text());
        } else {
            String str = (String) v;
            b.append('"');
            for (char c : str.toCharArray()) {
                if (c == '"' || c == '\\') b.append('\\');
                b.append(c);
            }
            b.append('"');
        }
    }
}
