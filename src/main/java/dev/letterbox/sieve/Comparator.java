package dev.letterbox.sieve;

/** RFC 4790 comparators: i;octet, i;ascii-casemap (the default, RFC 5228 §2.7.3), i;ascii-numeric. */
enum Comparator {
    OCTET("i;octet"), ASCII_CASEMAP("i;ascii-casemap"), ASCII_NUMERIC("i;ascii-numeric");

    final String id;

    Comparator(String id) {
        this.id = id;
    }

    static Comparator byName(String name) {
        for (Comparator c : values()) if (c.id.equalsIgnoreCase(name)) return c;
        return null;
    }

    /** Whether substring and wildcard matching make sense (not for i;ascii-numeric). */
    boolean substrings() {
        return this != ASCII_NUMERIC;
    }

    boolean is(String a, String b) {
        return switch (this) {
            case OCTET -> a.equals(b);
            case ASCII_CASEMAP -> a.length() == b.length() && fold(a).equals(fold(b));
            case ASCII_NUMERIC -> compare(a, b) == 0;
        };
    }

    boolean contains(String hay, String needle) {
        return this == OCTET ? hay.contains(needle) : fold(hay).contains(fold(needle));
    }

    boolean charEq(char a, char b) {
        return a == b || (this == ASCII_CASEMAP && foldChar(a) == foldChar(b));
    }

    int compare(String a, String b) {
        return switch (this) {
            case OCTET -> compareCodePoints(a, b);
            case ASCII_CASEMAP -> compareCodePoints(fold(a), fold(b));
            case ASCII_NUMERIC -> compareNumeric(a, b);
        };
    }

    /** Code point order equals UTF-8 octet order, which i;octet is defined on. */
    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** The leading digits as a number; a string without leading digits is positive infinity. */
    private static int compareNumeric(String a, String b) {
        String na = digits(a);
        String nb = digits(b);
        if (na == null || nb == null) return na == null ? (nb == null ? 0 : 1) : -1;
        if (na.length() != nb.length()) return Integer.compare(na.length(), nb.length());
        return na.compareTo(nb);
    }

    /** Leading digits without leading zeros ("" for zero), or null when the string starts otherwise. */
    private static String digits(String s) {
        int end = 0;
        while (end < s.length() && s.charAt(end) >= '0' && s.charAt(end) <= '9') end++;
        if (end == 0) return null;
        int start = 0;
        while (start < end && s.charAt(start) == '0') start++;
        return s.substring(start, end);
    }

    static String fold(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') return asciiLower(s);
        }
        return s;
    }

    private static String asciiLower(String s) {
        char[] cs = s.toCharArray();
        for (int i = 0; i < cs.length; i++) cs[i] = foldChar(cs[i]);
        return new String(cs);
    }

    private static char foldChar(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
}
