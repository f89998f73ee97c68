package dev.letterbox.store.sql;

import dev.letterbox.store.FlagState;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailboxIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The data of one mailbox's index: per message, parallel arrays sorted by UID, and a bounded log of
 * the latest changes so that a session can ask "what changed since MODSEQ n" without a scan.
 *
 * <p>Memory budget: {@value #BYTES_PER_MESSAGE} bytes per message (UID as an unsigned int, MODSEQ
 * long, flags as an int id into a per-mailbox table of distinct flag sets - the keywords are shared,
 * not stored per message -, INTERNALDATE as epoch milliseconds, RFC822.SIZE as an unsigned int), plus
 * up to half again as spare capacity while the mailbox grows; the log is at most
 * {@value #LOG_MAX} entries (13 bytes each). A 1,000,000-message mailbox takes about 28 MB, 42 MB at
 * worst: a 256 MiB heap holds it with room to spare.
 *
 * <p>Not thread-safe: {@link SqlMailboxIndex}'s lock guards every call.
 */
final class IndexedMessages {
    static final int BYTES_PER_MESSAGE = 4 + 8 + 4 + 8 + 4;
    /** Most changes the log remembers; a session further behind compares UIDs instead. */
    static final int LOG_MAX = 4096;

    long uidValidity;
    long uidNext;
    long highestModSeq;

    private int size;
    private int[] uids = new int[8];
    private long[] modSeqs = new long[8];
    private int[] flagIds = new int[8];
    private long[] dates = new long[8];
    private int[] sizes = new int[8];
    private final FlagTable flags = new FlagTable();

    // the change log: a ring of (MODSEQ, UID, expunged?) entries
    private long[] logModSeqs = new long[16];
    private int[] logUids = new int[16];
    private boolean[] logExpunges = new boolean[16];
    private int logStart, logCount;
    /** Every change with a higher MODSEQ than this is in the log. */
    private long logHorizon;

    IndexedMessages(long uidValidity, long uidNext, long highestModSeq) {
        this.uidValidity = uidValidity;
        this.uidNext = uidNext;
        this.highestModSeq = highestModSeq;
        this.logHorizon = highestModSeq;
    }

    int size() {
        return size;
    }

    /**
     * The per-message arrays as they are (the first {@code size} entries count) and the flag sets by
     * id: what {@link IndexSnapshots} writes. Shared, not copied: valid while the caller holds the
     * index's lock.
     */
    record Contents(int size, int[] uids, long[] modSeqs, int[] flagIds, long[] dates, int[] sizes, Flags[] flagSets) {}

    Contents contents() {
        return new Contents(size, uids, modSeqs, flagIds, dates, sizes, Arrays.copyOf(flags.byId, flags.count));
    }

    /**
     * An index made from a snapshot's {@code contents} (UIDs ascending, flag ids within the flag sets:
     * the reader checked), exact at {@code highestModSeq}; its log starts empty there.
     */
    static IndexedMessages restored(long uidValidity, long uidNext, long highestModSeq, Contents c) {
        IndexedMessages m = new IndexedMessages(uidValidity, uidNext, highestModSeq);
        m.size = c.size();
        m.uids = c.uids();
        m.modSeqs = c.modSeqs();
        m.flagIds = c.flagIds();
        m.dates = c.dates();
        m.sizes = c.sizes();
        for (Flags f : c.flagSets()) m.flags.add(f);
        return m;
    }

    /** Bytes held by the arrays (for the memory budget's test and metrics). */
    long bytesUsed() {
        long perSlot = (long) uids.length * BYTES_PER_MESSAGE;
        long log = (long) logModSeqs.length * 13;
        return perSlot + log + flags.count() * 64L;
    }

    // ------------------------------------------------------------------ changes

    /** Adds (or, when the UID is there, replaces) a message. New UIDs come last, so this is an append. */
    void put(long uid, long modSeq, Flags f, long internalDate, long messageSize) {
        int i = size == 0 || uid > uid(size - 1) ? -size - 1 : indexOf(uid); // a new UID: the last place
        if (i < 0) {
            i = -i - 1;
            ensureCapacity(size + 1);
            if (i < size) {
                System.arraycopy(uids, i, uids, i + 1, size - i);
                System.arraycopy(modSeqs, i, modSeqs, i + 1, size - i);
                System.arraycopy(flagIds, i, flagIds, i + 1, size - i);
                System.arraycopy(dates, i, dates, i + 1, size - i);
                System.arraycopy(sizes, i, sizes, i + 1, size - i);
            }
            size++;
        }
        uids[i] = (int) uid;
        modSeqs[i] = modSeq;
        flagIds[i] = flags.id(f);
        dates[i] = internalDate;
        sizes[i] = (int) messageSize;
    }

    /** A message's new flags; ignored when the UID is not here. */
    void setFlags(long uid, long modSeq, Flags f) {
        int i = indexOf(uid);
        if (i < 0) return;
        modSeqs[i] = modSeq;
        flagIds[i] = flags.id(f);
    }

    /** Removes these UIDs (those present), {@code sortedUids} ascending, in one pass. */
    void removeAll(long[] sortedUids) {
        if (sortedUids.length == 0 || size == 0) return;
        int out = 0, k = 0;
        for (int i = 0; i < size; i++) {
            long uid = uid(i);
            while (k < sortedUids.length && sortedUids[k] < uid) k++;
            if (k < sortedUids.length && sortedUids[k] == uid) continue;
            if (out != i) {
                uids[out] = uids[i];
                modSeqs[out] = modSeqs[i];
                flagIds[out] = flagIds[i];
                dates[out] = dates[i];
                sizes[out] = sizes[i];
            }
            out++;
        }
        size = out;
    }

    /** Applies a delta that follows on from {@link #highestModSeq} (the caller checked). */
    void apply(IndexDelta d) {
        long modSeq = d.modSeq();
        List<Long> expunged = new ArrayList<>();
        for (IndexDelta.Op op : d.ops()) {
            if (!(op instanceof IndexDelta.Expunged)) flushExpunges(expunged, modSeq);
            switch (op) {
                case IndexDelta.Added a -> {
                    put(a.uid(), modSeq, a.flags(), a.internalDate(), a.size());
                    uidNext = Math.max(uidNext, a.uid() + 1);
                    log(modSeq, a.uid(), false);
                }
                case IndexDelta.FlagsSet f -> {
                    setFlags(f.uid(), modSeq, f.flags());
                    log(modSeq, f.uid(), false);
                }
                case IndexDelta.Expunged e -> expunged.add(e.uid());
            }
        }
        flushExpunges(expunged, modSeq);
        highestModSeq = modSeq;
        flags.compactIfSparse(this);
    }

    private void flushExpunges(List<Long> expunged, long modSeq) {
        if (expunged.isEmpty()) return;
        long[] sorted = expunged.stream().mapToLong(Long::longValue).sorted().toArray();
        removeAll(sorted);
        for (long uid : sorted) log(modSeq, uid, true);
        expunged.clear();
    }

    /** Remembers a change for {@link #changesSince}; the oldest entry goes when the log is full. */
    void log(long modSeq, long uid, boolean expunge) {
        if (logCount == logModSeqs.length) {
            if (logModSeqs.length < LOG_MAX) {
                growLog();
            } else {
                logHorizon = Math.max(logHorizon, logModSeqs[logStart]);
                logStart = (logStart + 1) % logModSeqs.length;
                logCount--;
            }
        }
        int at = (logStart + logCount) % logModSeqs.length;
        logModSeqs[at] = modSeq;
        logUids[at] = (int) uid;
        logExpunges[at] = expunge;
        logCount++;
    }

    /** Forgets the log: sessions behind {@code modSeq} compare UIDs (after a rebuild from scratch). */
    void forgetBefore(long modSeq) {
        logStart = 0;
        logCount = 0;
        logHorizon = Math.max(logHorizon, modSeq);
    }

    // ------------------------------------------------------------------ reads

    MailboxIndex.Summary summary(MailboxIndex.UidRuns runs) {
        int unseen = 0;
        long firstUnseen = 0;
        boolean[] used = new boolean[flags.count()];
        boolean[] seen = flags.withSystem(Flags.SEEN);
        long runFrom = 0, runTo = -1;
        for (int i = 0; i < size; i++) {
            int id = flagIds[i];
            used[id] = true;
            long uid = uid(i);
            if (!seen[id]) {
                if (unseen++ == 0) firstUnseen = uid;
            }
            if (uid == runTo + 1) {
                runTo = uid;
            } else {
                if (runTo >= runFrom && runFrom > 0) runs.run(runFrom, runTo);
                runFrom = uid;
                runTo = uid;
            }
        }
        if (runTo >= runFrom && runFrom > 0) runs.run(runFrom, runTo);
        TreeSet<String> keywords = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (int id = 0; id < used.length; id++) if (used[id]) keywords.addAll(flags.get(id).keywords());
        return new MailboxIndex.Summary(false, uidValidity, uidNext, highestModSeq, size, unseen, firstUnseen,
                List.copyOf(keywords));
    }

    MailboxIndex.Changes changesSince(long since, long afterUid) {
        int position = indexOf(afterUid + 1);
        int firstNew = position >= 0 ? position : -position - 1;
        long[] added = new long[size - firstNew];
        for (int i = firstNew; i < size; i++) added[i - firstNew] = uid(i);
        if (since >= highestModSeq) {
            return new MailboxIndex.Changes(false, highestModSeq, uidNext, new long[0], null, added, List.of());
        }
        if (since < logHorizon) return scanSince(since, firstNew, added);
        TreeSet<Long> changedUids = new TreeSet<>();
        TreeSet<Long> expungedUids = new TreeSet<>();
        for (int k = 0; k < logCount; k++) {
            int at = (logStart + k) % logModSeqs.length;
            if (logModSeqs[at] <= since) continue;
            long uid = logUids[at] & 0xFFFF_FFFFL;
            if (logExpunges[at]) expungedUids.add(uid);
            else if (uid <= afterUid) changedUids.add(uid);
        }
        List<FlagState> changed = new ArrayList<>(changedUids.size());
        for (long uid : changedUids) {
            int i = indexOf(uid);
            if (i >= 0 && modSeqs[i] > since) changed.add(new FlagState(uid, modSeqs[i], flags.get(flagIds[i])));
        }
        long[] expunged = expungedUids.stream().mapToLong(Long::longValue).toArray();
        return new MailboxIndex.Changes(false, highestModSeq, uidNext, expunged, null, added, changed);
    }

    /** The caller is further behind than the log: every message's MODSEQ is looked at, UIDs compared. */
    private MailboxIndex.Changes scanSince(long since, int firstNew, long[] added) {
        List<FlagState> changed = new ArrayList<>();
        long[] now = new long[firstNew];
        for (int i = 0; i < firstNew; i++) {
            now[i] = uid(i);
            if (modSeqs[i] > since) changed.add(new FlagState(now[i], modSeqs[i], flags.get(flagIds[i])));
        }
        return new MailboxIndex.Changes(false, highestModSeq, uidNext, null, now, added, changed);
    }

    void read(long fromUid, long toUid, MailboxIndex.Page page) {
        int i = indexOf(fromUid);
        if (i < 0) i = -i - 1;
        int n = 0;
        for (; i < size && n < page.capacity(); i++) {
            long uid = uid(i);
            if (uid > toUid) break;
            page.uids[n] = uid;
            page.modSeqs[n] = modSeqs[i];
            page.flags[n] = flags.get(flagIds[i]);
            page.internalDates[n] = dates[i];
            page.sizes[n] = sizes[i] & 0xFFFF_FFFFL;
            n++;
        }
        page.count = n;
    }

    /** UIDs with system flag {@code flag} set ({@code set}) or not, ascending. */
    long[] uidsWithFlag(int flag, boolean set) {
        boolean[] has = flags.withSystem(flag);
        long[] out = new long[16];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (has[flagIds[i]] != set) continue;
            if (n == out.length) out = Arrays.copyOf(out, n * 2);
            out[n++] = uid(i);
        }
        return Arrays.copyOf(out, n);
    }

    // ------------------------------------------------------------------ helpers

    private long uid(int i) {
        return uids[i] & 0xFFFF_FFFFL;
    }

    /** The position of {@code uid}, or {@code -(insertion point) - 1}. */
    int indexOf(long uid) {
        int lo = 0, hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long u = uid(mid);
            if (u < uid) lo = mid + 1;
            else if (u > uid) hi = mid - 1;
            else return mid;
        }
        return -lo - 1;
    }

    private void ensureCapacity(int needed) {
        if (needed <= uids.length) return;
        int n = Math.max(needed, uids.length + (uids.length >> 1) + 8);
        uids = Arrays.copyOf(uids, n);
        modSeqs = Arrays.copyOf(modSeqs, n);
        flagIds = Arrays.copyOf(flagIds, n);
        dates = Arrays.copyOf(dates, n);
        sizes = Arrays.copyOf(sizes, n);
    }

    /** Makes room for {@code expected} messages at once (a build from the store knows the count). */
    void reserve(int expected) {
        ensureCapacity(expected);
    }

    private void growLog() {
        int n = Math.min(LOG_MAX, logModSeqs.length * 2);
        long[] m = new long[n];
        int[] u = new int[n];
        boolean[] e = new boolean[n];
        for (int k = 0; k < logCount; k++) {
            int at = (logStart + k) % logModSeqs.length;
            m[k] = logModSeqs[at];
            u[k] = logUids[at];
            e[k] = logExpunges[at];
        }
        logModSeqs = m;
        logUids = u;
        logExpunges = e;
        logStart = 0;
    }

    /**
     * The distinct flag sets of the mailbox, by id: messages share them, so a keyword costs memory once
     * per combination, not once per message. Sets no message uses any more are dropped when they pile
     * up (a client inventing keywords), by renumbering.
     */
    private static final class FlagTable {
        private static final int COMPACT_ABOVE = 1024;
        private Flags[] byId = new Flags[8];
        private int count;
        private final Map<Flags, Integer> ids = new HashMap<>();
        private int compactAt = COMPACT_ABOVE;
        private Flags lastFlags; // the same Flags object comes many times in a row while building
        private int lastId;

        int id(Flags f) {
            if (f == lastFlags) return lastId;
            Integer id = ids.get(f);
            if (id != null) {
                lastFlags = f;
                lastId = id;
                return id;
            }
            return add(f);
        }

        /** Gives {@code f} the next id (a snapshot's table is read back in id order). */
        int add(Flags f) {
            if (count == byId.length) byId = Arrays.copyOf(byId, count * 2);
            byId[count] = f;
            ids.putIfAbsent(f, count);
            return count++;
        }

        Flags get(int id) {
            return byId[id];
        }

        int count() {
            return count;
        }

        boolean[] withSystem(int flag) {
            boolean[] out = new boolean[count];
            for (int id = 0; id < count; id++) out[id] = byId[id].has(flag);
            return out;
        }

        void compactIfSparse(IndexedMessages m) {
            if (count < compactAt) return;
            int[] remap = new int[count];
            Arrays.fill(remap, -1);
            Flags[] kept = new Flags[Math.max(8, count)];
            int n = 0;
            for (int i = 0; i < m.size; i++) {
                int old = m.flagIds[i];
                if (remap[old] < 0) {
                    kept[n] = byId[old];
                    remap[old] = n++;
                }
                m.flagIds[i] = remap[old];
            }
            byId = kept;
            count = n;
            lastFlags = null;
            ids.clear();
            for (int id = 0; id < n; id++) ids.put(byId[id], id);
            compactAt = Math.max(COMPACT_ABOVE, 2 * n);
        }
    }
}
