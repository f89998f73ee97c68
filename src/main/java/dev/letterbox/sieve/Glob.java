package dev.letterbox.sieve;

import java.util.HashSet;
import java.util.Set;

/**
 * RFC 5228 §2.7.1 ":matches" patterns: "*" any run of characters, "?" one character, "\" quotes the
 * next one. With captures, each wildcard records what it matched, the first "*" taking as little as
 * possible (RFC 5229 §3.2), for the match variables ${1}..${9}; failures are remembered per
 * (wildcard, position) so work stays polynomial. Without captures the classic backtrack-to-the-last
 * star scan is used, at most pattern length x text length steps.
 */
final class Glob {
    private static final byte STAR = 0;
    private static final byte ONE = 1;
    private static final byte LITERAL = 2;

    private final byte[] kinds;
    private final char[] chars;
    private final int wildcards;

    private Glob(byte[] kinds, char[] chars, int wildcards) {
        this.kinds = kinds;
        this.chars = chars;
        this.wildcards = wildcards;
    }

    static Glob compile(String pattern) {
        byte[] kinds = new byte[pattern.length()];
        char[] chars = new char[pattern.length()];
        int n = 0;
        int wild = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (ch == '\\' && i + 1 < pattern.length()) {
                kinds[n] = LITERAL;
                chars[n++] = pattern.charAt(++i);
            } else {
                kinds[n] = ch == '*' ? STAR : ch == '?' ? ONE : LITERAL;
                if (kinds[n] != LITERAL) wild++;
                chars[n++] = ch;
            }
        }
        return new Glob(java.util.Arrays.copyOf(kinds, n), java.util.Arrays.copyOf(chars, n), wild);
    }

    /** Whether the whole text matches. */
    boolean matches(String text, Comparator cmp) {
        int p = 0;
        int s = 0;
        int starP = -1;
        int starS = 0;
        while (s < text.length()) {
            if (p < kinds.length && kinds[p] != STAR
                    && (kinds[p] == ONE || cmp.charEq(chars[p], text.charAt(s)))) {
                p++;
                s++;
            } else if (p < kinds.length && kinds[p] == STAR) {
                starP = p++;
                starS = s;
            } else if (starP >= 0) {
                p = starP + 1;
                s = ++starS;
            } else {
                return false;
            }
        }
        while (p < kinds.length && kinds[p] == STAR) p++;
        return p == kinds.length;
    }

    /** The captures (index 0 the whole text, then one per wildcard) if the text matches, else null. */
    String[] match(String text, Comparator cmp, Run run) {
        int[] from = new int[wildcards + 1];
        int[] to = new int[wildcards + 1];
        if (!matchFrom(0, 0, 1, text, cmp, run, from, to, new HashSet<>())) return null;
        String[] caps = new String[wildcards + 1];
        caps[0] = text;
        for (int i = 1; i <= wildcards; i++) caps[i] = text.substring(from[i], to[i]);
        return caps;
    }

    private boolean matchFrom(int pi, int si, int cap, String text, Comparator cmp, Run run, int[] from, int[] to,
            Set<Long> failed) {
        while (pi < kinds.length) {
            switch (kinds[pi]) {
                case LITERAL -> {
                    if (si >= text.length() || !cmp.charEq(chars[pi], text.charAt(si))) return false;
                    pi++;
                    si++;
                }
                case ONE -> {
                    if (si >= text.length()) return false;
                    from[cap] = si;
                    to[cap++] = ++si;
                    pi++;
                }
                default -> {
                    from[cap] = si;
                    if (pi == kinds.length - 1) { // a final star takes the rest
                        to[cap] = text.length();
                        return true;
                    }
                    long key = (long) pi * (text.length() + 1) + si;
                    if (failed.contains(key)) return false;
                    if (run != null) run.checkTime();
                    for (int end = si; end <= text.length(); end++) {
                        to[cap] = end;
                        if (matchFrom(pi + 1, end, cap + 1, text, cmp, run, from, to, failed)) return true;
                    }
                    failed.add(key);
                    return false;
                }
            }
        }
        return si == text.length();
    }
}
