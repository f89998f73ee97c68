package dev.letterbox.store.sql;

import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxIndex;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One mailbox's shared index (see {@link MailboxIndex}) and how it stays exact.
 *
 * <p>The concurrency rule: {@link #lock} guards {@link #data} and {@link #gone}; every read takes it,
 * catches up, answers and lets go. Catching up may read the store (building, or re-reading after
 * another node's change) while holding the lock: other readers of this mailbox wait for it, nobody
 * else does. The writer thread and the change feed never take the lock: they only add to
 * {@link #deltas} (a non-blocking queue) or set {@link #stale} (volatile), both before they publish
 * the change, so a reader that heard of a change finds it here. {@link #holders} is guarded by the
 * registry's map entry ({@link MailboxIndexes}).
 *
 * <p>Catching up: deltas are applied only when they follow on from the index's HIGHESTMODSEQ (a
 * unit takes one MODSEQ per mailbox, one after the other); a delta at or below it is already in (a
 * re-read saw it); a gap means another node or process wrote in between: the index re-reads what
 * changed since its HIGHESTMODSEQ and expunges since, in one read transaction, which also covers the
 * delta. This node's own writes thus never cost a read.
 */
final class SqlMailboxIndex {
    /** Rows read per query while building. */
    private static final int BUILD_PAGE = 10_000;
    /**
     * Deltas waiting for a reader at most: beyond that (a mailbox written to while its sessions sleep)
     * they are dropped and the index re-reads the store instead, once, when next read.
     */
    static final int MAX_QUEUED = 10_000;

    final long accountId;
    final long mailboxId;
    /** Sessions holding the index; guarded by the registry's map entry, as are the next two. */
    int holders;
    /** When the last holder let go (System.nanoTime), 0 while held. */
    long keptSince;
    /** What it took when it was let go. */
    long keptBytes;

    private final ReadPool reads;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentLinkedQueue<IndexDelta> deltas = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean stale;
    private volatile boolean gone;
    private IndexedMessages data; // null until built
    /** Builds and re-reads so far (for tests: this node's own writes must cost none). */
    private volatile long storeReads;

    SqlMailboxIndex(ReadPool reads, long accountId, long mailboxId) {
        this.reads = reads;
        this.accountId = accountId;
        this.mailboxId = mailboxId;
    }

    /** This node committed {@code delta}; called by the writer thread, never blocks. */
    void offer(IndexDelta delta) {
        if (gone) return;
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            stale = true;
            return;
        }
        deltas.add(delta);
    }

    private IndexDelta nextDelta() {
        IndexDelta d = deltas.poll();
        if (d != null) queued.decrementAndGet();
        return d;
    }

    private void dropDeltas() {
        while (nextDelta() != null) {
            // dropped: the mailbox is gone
        }
    }

    /** Someone else may have changed the mailbox: re-read before the next answer. Never blocks. */
    void markStale() {
        stale = true;
    }

    /** The mailbox was deleted or recreated: the index answers "gone" from now on. */
    boolean isGone() {
        return gone;
    }

    /** Builds the index if needed; false when the mailbox does not exist (for this account). */
    boolean open() {
        lock.lock();
        try {
            catchUp();
            return !gone;
        } finally {
            lock.unlock();
        }
    }

    MailboxIndex.Summary summary(MailboxIndex.UidRuns runs) {
        lock.lock();
        try {
            catchUp();
            if (gone) return new MailboxIndex.Summary(true, 0, 0, 0, 0, 0, 0, java.util.List.of());
            return data.summary(runs);
        } finally {
            lock.unlock();
        }
    }

    MailboxIndex.Changes changesSince(long modSeq, long afterUid) {
        lock.lock();
        try {
            catchUp();
            if (gone) return new MailboxIndex.Changes(true, 0, 0, new long[0], null, new long[0], java.util.List.of());
            return data.changesSince(modSeq, afterUid);
        } finally {
            lock.unlock();
        }
    }

    void read(long fromUid, long toUid, MailboxIndex.Page page) {
        lock.lock();
        try {
            catchUp();
            if (gone) throw MailboxQueries.nonexistent();
            data.read(fromUid, toUid, page);
        } finally {
            lock.unlock();
        }
    }

    /** UIDs with system flag {@code flag} set ({@code set}) or not. */
    long[] uidsWithFlag(int flag, boolean set) {
        lock.lock();
        try {
            catchUp();
            if (gone) throw MailboxQueries.nonexistent();
            return data.uidsWithFlag(flag, set);
        } finally {
            lock.unlock();
        }
    }

    /** Brings {@link #data} up to date (under the lock). A failed read leaves it stale, to be tried again. */
    private void catchUp() {
        if (gone) {
            dropDeltas();
            return;
        }
        boolean done = false;
        try {
            if (data == null) {
                stale = false;
                build();
            } else if (stale) {
                stale = false; // before the read: a change announced during it is read next time
                refresh();
            }
            for (IndexDelta d; !gone && (d = nextDelta()) != null; ) {
                if (d.modSeq() <= data.highestModSeq) continue;
                if (d.modSeq() == data.highestModSeq + 1) data.apply(d);
                else refresh(); // someone else wrote in between; the re-read covers this delta too
            }
            done = true;
        } finally {
            if (!done) stale = true;
        }
    }

    long storeReads() {
        return storeReads;
    }

    /** The memory the index takes now (waits for a reader that holds the lock). */
    long bytesUsed() {
        lock.lock();
        try {
            return data == null ? 0 : data.bytesUsed();
        } finally {
            lock.unlock();
        }
    }

    private void build() {
        storeReads++;
        reads.read(db -> {
            Optional<Mailbox> mailbox = MailboxQueries.byId(db, accountId, mailboxId);
            if (mailbox.isEmpty()) {
                gone = true;
                return null;
            }
            Mailbox m = mailbox.get();
            IndexedMessages built = new IndexedMessages(m.uidValidity(), m.uidNext(), m.highestModSeq());
            built.reserve((int) db.firstLong("SELECT count(*) FROM message WHERE mailbox_id = ?", mailboxId).orElse(0));
            readRows(db, built, -1, false);
            data = built;
            return null;
        });
    }

    /** Reads what changed since the index's HIGHESTMODSEQ: one read transaction, one snapshot. */
    private void refresh() {
        storeReads++;
        reads.read(db -> {
            Optional<Mailbox> mailbox = MailboxQueries.byId(db, accountId, mailboxId);
            if (mailbox.isEmpty() || mailbox.get().uidValidity() != data.uidValidity) {
                gone = true;
                dropDeltas();
                return null;
            }
            Mailbox m = mailbox.get();
            long since = data.highestModSeq;
            if (m.highestModSeq() <= since) return null;
            if (MessageQueries.vanishedHorizon(db, accountId, mailboxId).orElse(0) > since) {
                // the tombstones since then are pruned: start again; sessions behind compare UIDs
                IndexedMessages rebuilt = new IndexedMessages(m.uidValidity(), m.uidNext(), m.highestModSeq());
                readRows(db, rebuilt, -1, false);
                rebuilt.forgetBefore(m.highestModSeq());
                data = rebuilt;
                return null;
            }
            long[] expunged = MessageQueries.expungedSince(db, accountId, mailboxId, since);
            java.util.Arrays.sort(expunged);
            data.removeAll(expunged);
            // their exact MODSEQs are not read: no reader knows of a MODSEQ above the index's yet
            for (long uid : expunged) data.log(m.highestModSeq(), uid, true);
            readRows(db, data, since, true);
            data.highestModSeq = m.highestModSeq();
            data.uidNext = Math.max(data.uidNext, m.uidNext());
            return null;
        });
    }

    /** Reads the messages with a MODSEQ above {@code since} into {@code into}, logging them when {@code log}. */
    private void readRows(SqlSession db, IndexedMessages into, long since, boolean log) {
        FlagsCache cache = new FlagsCache();
        long after = 0;
        while (true) {
            long[] last = {0};
            int[] n = {0};
            // Each column read is a JNI call (SQLite) and a String is made for every keyword text, even
            // empty: the size and the flags come packed in one number whose bit 5 says whether keywords
            // exist, and the keyword text is read only then (building a 1,000,000-message index is
            // mostly column reads).
            db.list("SELECT uid, modseq, size * 64 + (flags & 31) + CASE WHEN keywords = '' THEN 0 ELSE 32 END, "
                            + "internal_date, keywords FROM message "
                            + "WHERE mailbox_id = ? AND uid > ? AND modseq > ? ORDER BY uid LIMIT ?",
                    rs -> {
                        long uid = rs.getLong(1), modSeq = rs.getLong(2), sizeAndFlags = rs.getLong(3);
                        int system = (int) (sizeAndFlags & 31);
                        String keywords = (sizeAndFlags & 32) != 0 ? rs.getString(5) : null;
                        into.put(uid, modSeq, cache.of(system, keywords), rs.getLong(4), sizeAndFlags >>> 6);
                        if (log) into.log(modSeq, uid, false);
                        last[0] = uid;
                        n[0]++;
                        return null;
                    }, mailboxId, after, since, BUILD_PAGE);
            if (n[0] < BUILD_PAGE) return;
            after = last[0];
        }
    }

    /** One {@link Flags} per distinct stored value while reading rows: a million rows share a handful. */
    private static final class FlagsCache {
        private final Flags[] systemOnly = new Flags[32];
        private final Map<String, Flags[]> withKeywords = new HashMap<>();

        Flags of(int system, String keywords) {
            int bits = system & 31;
            Flags[] slot = keywords == null || keywords.isEmpty() ? systemOnly
                    : withKeywords.computeIfAbsent(keywords, k -> new Flags[32]);
            Flags f = slot[bits];
            if (f == null) slot[bits] = f = Flags.fromStorage(bits, keywords);
            return f;
        }
    }
}
