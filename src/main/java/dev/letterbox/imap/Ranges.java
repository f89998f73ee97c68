package dev.letterbox.imap;

import java.util.Arrays;

/**
 * Sorted, disjoint, non-adjacent closed ranges of positive numbers (UIDs or sequence numbers),
 * immutable. This is what a resolved {@link SequenceSet} is, and how UID sets go back on the wire
 * compactly ("1:3,7,9:12" rather than one number per message).
 */
public final class Ranges {
    public static final Ranges EMPTY = new Ranges(new long[0], 0);

    private final long[] bounds; // low0, high0, low1, high1, ...
    private final int count;     // number of ranges

    private Ranges(long[] bounds, int count) {
        this.bounds = bounds;
        this.count = count;
    }

    /** Builds from numbers in any order, duplicates allowed; numbers below 1 are ignored. */
    public static Ranges of(long... numbers) {
        long[] sorted = numbers.clone();
        Arrays.sort(sorted);
        Builder b = new Builder();
        for (long n : sorted) if (n > 0) b.add(n);
        return b.build();
    }

    /** Adds numbers or ranges in ascending order; builds compact ranges. */
    public static final class Builder {
        private long[] bounds = new long[8];
        private int count;

        /** Adds {@code low..high}; ranges must come in ascending order of {@code low}. */
        public Builder add(long low, long high) {
            if (low > high || high < 1) return this;
            if (low < 1) low = 1;
            if (count > 0) {
                long lastHigh = bounds[2 * count - 1];
                if (low < bounds[2 * count - 2]) throw new IllegalArgumentException("ranges out of order");
                if (low <= lastHigh + 1) {
                    bounds[2 * count - 1] = Math.max(lastHigh, high);
                    return this;
                }
            }
            if (2 * count + 2 > bounds.length) bounds = Arrays.copyOf(bounds, bounds.length * 2);
            bounds[2 * count] = low;
            bounds[2 * count + 1] = high;
            count++;
            return this;
        }

        public Builder add(long n) {
            return add(n, n);
        }

        public boolean isEmpty() {
            return count == 0;
        }

        public Ranges build() {
            return count == 0 ? EMPTY : new Ranges(Arrays.copyOf(bounds, 2 * count), count);
        }
    }

    /** Unions ranges given in any order. */
    public static Ranges union(long[] lows, long[] highs) {
        Integer[] order = new Integer[lows.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Long.compare(lows[a], lows[b]));
        Builder b = new Builder();
        for (int i : order) b.add(lows[i], highs[i]);
        return b.build();
    }

    /** The numbers in this or {@code other}. */
    public Ranges union(Ranges other) {
        if (isEmpty()) return other;
        if (other.isEmpty()) return this;
        long[] lows = new long[count + other.count], highs = new long[lows.length];
        for (int i = 0; i < count; i++) {
            lows[i] = low(i);
            highs[i] = high(i);
        }
        for (int i = 0; i < other.count; i++) {
            lows[count + i] = other.low(i);
            highs[count + i] = other.high(i);
        }
        return union(lows, highs);
    }

    /** The numbers in this and not in {@code other}. */
    public Ranges minus(Ranges other) {
        if (isEmpty() || other.isEmpty()) return this;
        Builder out = new Builder();
        int k = 0;
        for (int i = 0; i < count; i++) {
            long cur = low(i), end = high(i);
            while (cur <= end) {
                while (k < other.count && other.high(k) < cur) k++;
                if (k >= other.count || other.low(k) > end) {
                    out.add(cur, end);
                    break;
                }
                if (other.low(k) > cur) out.add(cur, other.low(k) - 1);
                cur = other.high(k) + 1;
            }
        }
        return out.build();
    }

    /** The numbers in both. */
    public Ranges intersect(Ranges other) {
        return minus(minus(other));
    }

    public int rangeCount() {
        return count;
    }

    public long low(int range) {
        return bounds[2 * range];
    }

    public long high(int range) {
        return bounds[2 * range + 1];
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** How many numbers the ranges hold. */
    public long size() {
        long n = 0;
        for (int i = 0; i < count; i++) n += high(i) - low(i) + 1;
        return n;
    }

    public long min() {
        return count == 0 ? 0 : bounds[0];
    }

    public long max() {
        return count == 0 ? 0 : bounds[2 * count - 1];
    }

    public boolean contains(long n) {
        int lo = 0, hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (n < low(mid)) hi = mid - 1;
            else if (n > high(mid)) lo = mid + 1;
            else return true;
        }
        return false;
    }

    /** Every number, ascending (for sets known to be small). */
    public long[] toArray() {
        long size = size();
        if (size > Integer.MAX_VALUE - 8) throw new IllegalStateException("too many numbers");
        long[] out = new long[(int) size];
        int k = 0;
        for (int i = 0; i < count; i++) for (long n = low(i); n <= high(i); n++) out[k++] = n;
        return out;
    }

    /** The wire form, e.g. "1:3,7"; empty text for no numbers. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) sb.append(',');
            sb.append(low(i));
            if (high(i) != low(i)) sb.append(':').append(high(i));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ranges r && r.count == count && Arrays.equals(r.bounds, 0, 2 * count, bounds, 0, 2 * count);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(Arrays.copyOf(bounds, 2 * count));
    }
}
