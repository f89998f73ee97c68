package dev.letterbox.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A string argument, compiled once: a constant, or (with "variables") a template whose
 * {@code ${name}} references are looked up at run time (RFC 5229 §3).
 */
sealed interface Str {
    String eval(Run r);

    /** The constant value, or null when the string depends on variables. */
    String constant();

    record Const(String value) implements Str {
        @Override
        public String eval(Run r) {
            return value;
        }

        @Override
        public String constant() {
            return value;
        }
    }

    /** Literal pieces (String) and variable references (Ref), in order. */
    record Template(List<Object> parts) implements Str {
        @Override
        public String eval(Run r) {
            StringBuilder sb = new StringBuilder();
            for (Object p : parts) {
                if (p instanceof String s) sb.append(s);
                else sb.append(r.variable(((Ref) p).name()));
                if (sb.length() > r.limits().maxStringLength() * 4) break;
            }
            return sb.toString();
        }

        @Override
        public String constant() {
            return null;
        }
    }

    /** A variable name in lower case: "1" (match variable), "name" or "namespace.name". */
    record Ref(String name) {}

    static Str of(String raw, boolean variables) {
        if (!variables || !raw.contains("${")) return new Const(raw);
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < raw.length()) {
            int open = raw.indexOf("${", i);
            if (open < 0) break;
            int close = raw.indexOf('}', open + 2);
            if (close < 0) break;
            String name = raw.substring(open + 2, close);
            if (isReference(name)) {
                lit.append(raw, i, open);
                if (!lit.isEmpty()) parts.add(lit.toString());
                lit.setLength(0);
                parts.add(new Ref(name.toLowerCase(Locale.ROOT)));
                i = close + 1;
            } else {
                // Not a reference: the "${" stays literal and scanning resumes after it (RFC 5229 §3).
                lit.append(raw, i, open + 2);
                i = open + 2;
            }
        }
        lit.append(raw, i, raw.length());
        if (!lit.isEmpty()) parts.add(lit.toString());
        if (parts.size() == 1 && parts.get(0) instanceof String s) return new Const(s);
        return new Template(List.copyOf(parts));
    }

    /** num-variable, or identifier *("." identifier). */
    static boolean isReference(String name) {
        if (name.isEmpty()) return false;
        if (Character.isDigit(name.charAt(0))) {
            for (int i = 0; i < name.length(); i++) if (!isDigit(name.charAt(i))) return false;
            return true;
        }
        for (String piece : name.split("\\.", -1)) if (!isIdentifier(piece)) return false;
        return true;
    }

    static boolean isIdentifier(String s) {
        if (s.isEmpty() || isDigit(s.charAt(0))) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == '_' || isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
