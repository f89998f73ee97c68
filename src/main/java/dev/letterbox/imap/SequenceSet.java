package dev.letterbox.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * A sequence set as the client wrote it (RFC 3501 §9 {@code sequence-set}, RFC 9051): numbers and
 * ranges in any order, either end of a range may be '*' ("the largest number in use"), and a range
 * may be written high to low. {@code $} (RFC 5182 SEARCHRES) stands for the last saved search result.
 * It is resolved against the mailbox only when the command runs, since '*' depends on it.
 */
public final class SequenceSet {
    /** Stands for '*' in {@link #lows} / {@link #highs}. */
    public static final long STAR = Long.MAX_VALUE;
    /** RFC 3501 nz-number / RFC 9051: numbers are 32-bit unsigned. */
    public static final long MAX_NUMBER = 0xFFFF_FFFFL;
    /** More ranges than this in one set is refused (a bound on work per command). */
    public static final int MAX_RANGES = 100_000;

    private final long[] lows, highs;
    private final boolean saved;

    private SequenceSet(long[] lows, long[] highs, boolean saved) {
        this.lows = lows;
        this.highs = highs;
        this.saved = saved;
    }

    /** The set standing for the saved search result ("$"). */
    public static final SequenceSet SAVED = new SequenceSet(new long[0], new long[0], true);

    /** Parses the wire form; throws {@link IllegalArgumentException} saying what is wrong. */
    public static SequenceSet parse(String text) {
        if (text.equals("$")) return SAVED;
        if (text.isEmpty()) throw new IllegalArgumentException("empty sequence set");
        List<long[]> parts = new ArrayList<>();
        for (String element : text.split(",", -1)) {
            if (parts.size() >= MAX_RANGES) throw new IllegalArgumentException("too many ranges in sequence set");
            int colon = element.indexOf(':');
            long a = number(colon < 0 ? element : element.substring(0, colon));
            long b = colon < 0 ? a : number(element.substring(colon + 1));
            parts.add(new long[] {Math.min(a, b), Math.max(a, b)});
        }
        long[] lows = new long[parts.size()], highs = new long[parts.size()];
        for (int i = 0; i < lows.length; i++) {
            lows[i] = parts.get(i)[0];
            highs[i] = parts.get(i)[1];
        }
        return new SequenceSet(lows, highs, false);
    }

    private static long number(String s) {
        if (s.equals("*")) return STAR;
        if (s.isEmpty() || s.length() > 10 || s.charAt(0) == '0') throw new IllegalArgumentException("invalid number in sequence set");
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') throw new IllegalArgumentException("invalid character in sequence set");
            n = n * 10 + (c - '0');
        }
        if (n > MAX_NUMBER) throw new IllegalArgumentException("number in sequence set out of range");
        return n;
    }

    /**
     * Numbers {@code [from, to)} of a list in its own order, as a sequence set that keeps that order:
     * ascending runs become ranges ("5,3:4,2,1"); a client reads the set element by element.
     */
    public static String inListOrder(long[] numbers, int from, int to) {
        StringBuilder sb = new StringBuilder();
        int i = from;
        while (i < to) {
            int j = i;
            while (j + 1 < to && numbers[j + 1] == numbers[j] + 1) j++;
            if (sb.length() > 0) sb.append(',');
            sb.append(numbers[i]);
            if (j > i) sb.append(':').append(numbers[j]);
            i = j + 1;
        }
        return sb.toString();
    }

    /** A set of exactly these ranges (e.g. for UID sets the server builds itself). */
    public static SequenceSet of(Ranges ranges) {
        long[] lows = new long[ranges.rangeCount()], highs = new long[ranges.rangeCount()];
        for (int i = 0; i < lows.length; i++) {
            lows[i] = ranges.low(i);
            highs[i] = ranges.high(i);
        }
        return new SequenceSet(lows, highs, false);
    }

    public boolean isSaved() {
        return saved;
    }

    /** The largest explicit number (not '*'), 0 if none: message numbers above the count are an error. */
    public long largestExplicit() {
        long max = 0;
        for (int i = 0; i < lows.length; i++) {
            if (lows[i] != STAR) max = Math.max(max, lows[i]);
            if (highs[i] != STAR) max = Math.max(max, highs[i]);
        }
        return max;
    }

    /**
     * The numbers of this set among 1..{@code largest}, with '*' standing for {@code largest}.
     * A range reaching beyond {@code largest} is cut there ("UID 90:*" with largest UID 50 is 50).
     * For an empty mailbox ({@code largest} 0) the result is empty.
     */
    public Ranges resolve(long largest) {
        if (saved) throw new IllegalStateException("resolve the saved result instead");
        if (largest <= 0) return Ranges.EMPTY;
        long[] ls = new long[lows.length], hs = new long[lows.length];
        for (int i = 0; i < ls.length; i++) {
            long a = lows[i] == STAR ? largest : lows[i];
            long b = highs[i] == STAR ? largest : highs[i];
            long lo = Math.min(a, b), hi = Math.max(a, b);
            ls[i] = lo;
            hs[i] = Math.min(hi, largest);
            if (lo > largest) { // entirely above: empty range
                ls[i] = 1;
                hs[i] = 0;
            }
        }
        return Ranges.union(ls, hs);
    }

    @Override
    public String toString() {
        if (saved) return "$";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lows.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(lows[i] == STAR ? "*" : Long.toString(lows[i]));
            if (highs[i] != lows[i]) sb.append(':').append(highs[i] == STAR ? "*" : Long.toString(highs[i]));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceSet s && s.saved == saved && java.util.Arrays.equals(s.lows, lows)
                && java.util.Arrays.equals(s.highs, highs);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(lows) * 31 + java.util.Arrays.hashCode(highs);
    }
}
