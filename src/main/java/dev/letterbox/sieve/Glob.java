package dev.letterbox.sieve;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * RFC 5228 §2.7.1 ":matches" patterns: "*" any run of characters, "?" one character, "\" quotes the
 * next one. Each wildcard captures what it matched, the first "*" taking as little as possible
 * (RFC 5229 §3.2), for the match variables ${1}..${9}. Failures are remembered per (wildcard,
 * position), so a pattern of many stars costs at most pattern length x text length steps.
 */
final class Glob {
    private static final char STAR = 0;
    private static final char ONE = 1;
    private static final char LITERAL = 2;

    private final char[] kinds;
    private final char[] chars;
    private final int wildcards;

    private Glob(char[] kinds, char[] chars, int wildcards) {
        this.kinds = kinds;
        this.chars = chars;
        this.wildcards = wildcards;
    }

    static Glob compile(String pattern) {
        List<Character> k = new ArrayList<>();
        StringBuilder c = new StringBuilder();
        int wild = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (ch == '\\' && i + 1 < pattern.length()) {
                k.add(LITERAL);
                c.append(pattern.charAt(++i));
            } else if (ch == '*') {
                // "**" matches what "*" does; keeping both would only add empty captures and work.
                k.add(STAR);
                c.append(ch);
                wild++;
            } else if (ch == '?') {
                k.add(ONE);
                c.append(ch);
                wild++;
            } else {
                k.add(LITERAL);
                c.append(ch);
            }
        }
        char[] kinds = new char[k.size()];
        for (int i = 0; i < kinds.length; i++) kinds[i] = k.get(i);
        return new Glob(kinds, c.toString().toCharArray(), wild);
    }

    /** The captures (index 0 the whole text) if the text matches, else null. */
    String[] match(String text, Comparator cmp, Run run) {
        String[] caps = new String[wildcards + 1];
        caps[0] = text;
        Set<Long> failed = new HashSet<>();
        return matchFrom(0, 0, 1, text, cmp, run, caps, failed) ? caps : null;
    }

    private boolean matchFrom(int pi, int si, int cap, String text, Comparator cmp, Run run, String[] caps,
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
                    caps[cap++] = text.substring(si, si + 1);
                    pi++;
                    si++;
                }
                default -> {
                    long key = (long) pi * (text.length() + 1) + si;
                    if (failed.contains(key)) return false;
                    if (run != null) run.checkTime();
                    for (int end = si; end <= text.length(); end++) {
                        caps[cap] = text.substring(si, end);
                        if (matchFrom(pi + 1, end, cap + 1, text, cmp, run, caps, failed)) return true;
                    }
                    failed.add(key);
                    return false;
                }
            }
        }
        return si == text.length();
    }
}
