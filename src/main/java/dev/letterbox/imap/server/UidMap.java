package dev.letterbox.imap.server;

import dev.letterbox.imap.Ranges;
import java.util.Arrays;

/**
 * The message sequence numbers of a selected mailbox: MSN {@code n} is the {@code n}-th UID in
 * ascending order. UIDs are mostly dense, so they are kept as runs of consecutive UIDs (start, length)
 * with the MSN each run begins at: a 100,000-message INBOX with a few hundred holes costs a few KiB,
 * not 800 KB. UIDs are 32-bit (RFC 3501), stored in ints read as unsigned.
 *
 * <p>Not thread-safe; the session's lock guards it. It only changes at the points where the
 * session tells the client (EXISTS for {@link #append}, EXPUNGE/VANISHED for {@link #removeAll}).
 */
final class UidMap {
    private int[] starts = new int[4]; // first UID of each run (unsigned)
    private int[] lengths = new int[4];
    private int[] firstMsn = new int[4]; // MSN of each run's first UID
    private int runs;
    private int size;

    static UidMap of(long[] ascendingUids) {
        UidMap m = new UidMap();
        for (long uid : ascendingUids) m.append(uid);
        m.trim();
        return m;
    }

    int size() {
        return size;
    }

    /** The largest UID, 0 when empty. */
    long maxUid() {
        return runs == 0 ? 0 : uint(starts[runs - 1]) + lengths[runs - 1] - 1;
    }

    /** Adds a UID above every UID already here (a new message). */
    void append(long uid) {
        if (uid <= maxUid()) throw new IllegalArgumentException("UIDs must ascend: " + uid + " after " + maxUid());
        if (runs > 0 && uint(starts[runs - 1]) + lengths[runs - 1] == uid) {
            lengths[runs - 1]++;
        } else {
            if (runs == starts.length) grow();
            starts[runs] = (int) uid;
            lengths[runs] = 1;
            firstMsn[runs] = size + 1;
            runs++;
        }
        size++;
    }

    /** The UID at 1-based {@code msn}; 0 when out of range. */
    long uidAt(long msn) {
        if (msn < 1 || msn > size) return 0;
        int lo = 0, hi = runs - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (firstMsn[mid] <= msn) lo = mid; else hi = mid - 1;
        }
        return uint(starts[lo]) + (msn - firstMsn[lo]);
    }

    /** The MSN of {@code uid}; 0 when the UID is not in the view. */
    int msnOf(long uid) {
        int r = runOf(uid);
        return r < 0 ? 0 : firstMsn[r] + (int) (uid - uint(starts[r]));
    }

    boolean contains(long uid) {
        return runOf(uid) >= 0;
    }

    private int runOf(long uid) {
        int lo = 0, hi = runs - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long s = uint(starts[mid]);
            if (uid < s) hi = mid - 1;
            else if (uid >= s + lengths[mid]) lo = mid + 1;
            else return mid;
        }
        return -1;
    }

    /** The UIDs of the given sequence-number ranges (numbers above {@link #size} ignored). */
    Ranges uidsOfMsns(Ranges msns) {
        Ranges.Builder out = new Ranges.Builder();
        for (int i = 0; i < msns.rangeCount(); i++) {
            long from = Math.max(1, msns.low(i)), to = Math.min(size, msns.high(i));
            if (from > to) continue;
            // walk the runs overlapping [from, to]
            int r = runAtMsn(from);
            long msn = from;
            while (msn <= to && r < runs) {
                long runEnd = firstMsn[r] + (long) lengths[r] - 1;
                long last = Math.min(to, runEnd);
                long uidFrom = uint(starts[r]) + (msn - firstMsn[r]);
                out.add(uidFrom, uidFrom + (last - msn));
                msn = last + 1;
                r++;
            }
        }
        return out.build();
    }

    /** The sequence numbers of those of {@code uids} that are in the view. */
    Ranges msnsOf(Ranges uids) {
        Ranges.Builder out = new Ranges.Builder();
        int r = 0;
        for (int i = 0; i < uids.rangeCount(); i++) {
            long lo = uids.low(i), hi = uids.high(i);
            while (r < runs && uint(starts[r]) + lengths[r] - 1 < lo) r++;
            for (int k = r; k < runs && uint(starts[k]) <= hi; k++) {
                long s = uint(starts[k]), e = s + lengths[k] - 1;
                long a = Math.max(s, lo), b = Math.min(e, hi);
                out.add(firstMsn[k] + (a - s), firstMsn[k] + (b - s));
            }
        }
        return out.build();
    }

    /** The UIDs among {@code uids} that are in the view. */
    Ranges intersect(Ranges uids) {
        Ranges.Builder out = new Ranges.Builder();
        int r = 0;
        for (int i = 0; i < uids.rangeCount(); i++) {
            long lo = uids.low(i), hi = uids.high(i);
            while (r < runs && uint(starts[r]) + lengths[r] - 1 < lo) r++;
            int k = r;
            while (k < runs && uint(starts[k]) <= hi) {
                long s = uint(starts[k]), e = s + lengths[k] - 1;
                out.add(Math.max(s, lo), Math.min(e, hi));
                k++;
            }
        }
        return out.build();
    }

    /** Every UID in the view as ranges. */
    Ranges all() {
        Ranges.Builder out = new Ranges.Builder();
        for (int r = 0; r < runs; r++) out.add(uint(starts[r]), uint(starts[r]) + lengths[r] - 1);
        return out.build();
    }

    private int runAtMsn(long msn) {
        int lo = 0, hi = runs - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (firstMsn[mid] <= msn) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /** Removes these UIDs (those present); MSNs after them move down. */
    void removeAll(Ranges uids) {
        if (uids.isEmpty() || runs == 0) return;
        Ranges left = all().minus(uids);
        UidMap rebuilt = new UidMap();
        for (int i = 0; i < left.rangeCount(); i++) rebuilt.appendRun(left.low(i), left.high(i));
        rebuilt.trim();
        this.starts = rebuilt.starts;
        this.lengths = rebuilt.lengths;
        this.firstMsn = rebuilt.firstMsn;
        this.runs = rebuilt.runs;
        this.size = rebuilt.size;
    }

    /** Adds the run {@code from..to}, above every UID already here. */
    void appendRun(long from, long to) {
        if (runs > 0 && uint(starts[runs - 1]) + lengths[runs - 1] == from) {
            lengths[runs - 1] += (int) (to - from + 1);
        } else {
            if (runs == starts.length) grow();
            starts[runs] = (int) from;
            lengths[runs] = (int) (to - from + 1);
            firstMsn[runs] = size + 1;
            runs++;
        }
        size += (int) (to - from + 1);
    }

    /** Drops spare capacity (the view lives as long as the session, often parked in IDLE). */
    void trim() {
        if (starts.length > runs + 4) {
            int n = Math.max(runs, 1);
            starts = Arrays.copyOf(starts, n);
            lengths = Arrays.copyOf(lengths, n);
            firstMsn = Arrays.copyOf(firstMsn, n);
        }
    }

    private void grow() {
        int n = Math.max(4, starts.length * 2);
        starts = Arrays.copyOf(starts, n);
        lengths = Arrays.copyOf(lengths, n);
        firstMsn = Arrays.copyOf(firstMsn, n);
    }

    private static long uint(int v) {
        return v & 0xFFFF_FFFFL;
    }

    /** Runs held (for tests and the memory bench). */
    int runCount() {
        return runs;
    }
}
