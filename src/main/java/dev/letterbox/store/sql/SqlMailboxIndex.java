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
    /** Changed rows read in one query through the MODSEQ index when catching up; more are read by UID pages. */
    private static final int CHANGED_AT_ONCE = 100_000;
    private static final System.Logger LOG = System.getLogger("letterbox.store");

    final long accountId;
    final long mailboxId;
    /** Sessions holding the index; guarded by the registry's map entry, as are the next two. */
    int holders;
    /** When the last holder let go (System.nanoTime), 0 while held. */
    long keptSince;
    /** What it took when it was let go. */
    long keptBytes;

    private final ReadPool reads;
    /** Where this node keeps index snapshots; null: none. */
    private final IndexSnapshots snapshots;
    /** Mailboxes with fewer messages build from the database quickly enough: no snapshot for them. */
    private final int snapshotMin;
    /** Runs the snapshot writes that follow a build, off the reader's path. */
    private final java.util.concurrent.Executor background;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentLinkedQueue<IndexDelta> deltas = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean stale;
    private volatile boolean gone;
    private IndexedMessages data; // null until built
    /** Builds and re-reads so far (for tests: this node's own writes must cost none). */
    private volatile long storeReads;
    /** See {@link MailboxIndex#recentMarkReached()}: a lower bound of the stored \Recent mark, 0 unknown. */
    final java.util.concurrent.atomic.AtomicLong recentMark = new java.util.concurrent.atomic.AtomicLong();
    /** Whether the index was last built from a snapshot (for tests). */
    private volatile boolean fromSnapshot;

    SqlMailboxIndex(ReadPool reads, long accountId, long mailboxId) {
        this(reads, accountId, mailboxId, null, Integer.MAX_VALUE, Runnable::run);
    }

    SqlMailboxIndex(ReadPool reads, long accountId, long mailboxId, IndexSnapshots snapshots, int snapshotMin,
                    java.util.concurrent.Executor background) {
        this.reads = reads;
        this.accountId = accountId;
        this.mailboxId = mailboxId;
        this.snapshots = snapshots;
        this.snapshotMin = snapshotMin;
        this.background = background;
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

    boolean fromSnapshot() {
        return fromSnapshot;
    }

    /**
     * Writes the index's snapshot, exact at its HIGHESTMODSEQ (changes queued since are not in it; the
     * database has them), when the mailbox is big enough to be worth one. Holds the lock while
     * writing: the mailbox's readers wait (tens of milliseconds for a million messages).
     */
    void saveSnapshot() {
        if (snapshots == null) return;
        lock.lock();
        try {
            if (data != null && !gone && data.size() >= snapshotMin) snapshots.save(accountId, mailboxId, data);
        } finally {
            lock.unlock();
        }
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
        boolean fromRows = reads.read(db -> {
            Optional<Mailbox> mailbox = MailboxQueries.byId(db, accountId, mailboxId);
            if (mailbox.isEmpty()) {
                gone = true;
                if (snapshots != null) snapshots.delete(accountId, mailboxId);
                return false;
            }
            Mailbox m = mailbox.get();
            if (restore(db, m)) return false;
            IndexedMessages built = new IndexedMessages(m.uidValidity(), m.uidNext(), m.highestModSeq());
            built.reserve((int) db.firstLong("SELECT count(*) FROM message WHERE mailbox_id = ?", mailboxId).orElse(0));
            readRows(db, built, -1, false);
            data = built;
            return true;
        });
        // written off this reader's path, so that a crash later still finds one
        if (fromRows && snapshots != null && data.size() >= snapshotMin) {
            try {
                background.execute(this::saveSnapshot);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // the store is closing: it writes every index's snapshot itself
            }
        }
    }

    /**
     * Takes this node's snapshot of the mailbox if the database can bring it up to date: its changes
     * since the snapshot's HIGHESTMODSEQ are read as after another node's write (same transaction).
     * False when there is none or it does not fit (the caller builds from the rows).
     */
    private boolean restore(SqlSession db, Mailbox m) {
        if (snapshots == null) return false;
        long started = System.nanoTime();
        IndexedMessages restored = snapshots.load(accountId, mailboxId, m.uidValidity(), m.highestModSeq());
        long loaded = System.nanoTime();
        if (restored == null) return false;
        if (MessageQueries.vanishedHorizon(db, accountId, mailboxId).orElse(0) > restored.highestModSeq) {
            LOG.log(System.Logger.Level.INFO, "index snapshot of mailbox " + mailboxId
                    + " not used: the expunges since its MODSEQ " + restored.highestModSeq + " are pruned");
            return false;
        }
        long since = restored.highestModSeq;
        data = restored;
        readChanges(db, m);
        fromSnapshot = true;
        LOG.log(System.Logger.Level.INFO, "mailbox " + mailboxId + ": index loaded from its snapshot at MODSEQ " + since
                + ", brought up to " + m.highestModSeq() + " (" + data.size() + " messages; read in "
                + (loaded - started) / 1_000_000 + " ms, changes in " + (System.nanoTime() - loaded) / 1_000_000 + " ms)");
        return true;
    }

    /** Reads what changed since the index's HIGHESTMODSEQ: one read transaction, one snapshot. */
    private void refresh() {
        storeReads++;
        reads.read(db -> {
            Optional<Mailbox> mailbox = MailboxQueries.byId(db, accountId, mailboxId);
            if (mailbox.isEmpty() || mailbox.get().uidValidity() != data.uidValidity) {
                gone = true;
                dropDeltas();
                if (snapshots != null) snapshots.delete(accountId, mailboxId);
                return null;
            }
            readChanges(db, mailbox.get());
            return null;
        });
    }

    /** Brings {@link #data} from its HIGHESTMODSEQ up to the mailbox's {@code m}, in the caller's transaction. */
    private void readChanges(SqlSession db, Mailbox m) {
        long since = data.highestModSeq;
        if (m.highestModSeq() <= since) return;
        if (MessageQueries.vanishedHorizon(db, accountId, mailboxId).orElse(0) > since) {
            // the tombstones since then are pruned: start again; sessions behind compare UIDs
            IndexedMessages rebuilt = new IndexedMessages(m.uidValidity(), m.uidNext(), m.highestModSeq());
            readRows(db, rebuilt, -1, false);
            rebuilt.forgetBefore(m.highestModSeq());
            data = rebuilt;
            return;
        }
        long[] expunged = MessageQueries.expungedSince(db, accountId, mailboxId, since);
        java.util.Arrays.sort(expunged);
        data.removeAll(expunged);
        // their exact MODSEQs are not read: no reader knows of a MODSEQ above the index's yet
        for (long uid : expunged) data.log(m.highestModSeq(), uid, true);
        readChangedRows(db, data, since);
        data.highestModSeq = m.highestModSeq();
        data.uidNext = Math.max(data.uidNext, m.uidNext());
    }

    /**
     * Reads the messages changed since {@code since} into {@code into}, logging them. A few (the usual
     * case: a snapshot some changes behind, another process's write) are found through the MODSEQ
     * index; many through the paged walk by UID, which reads every row but in bounded pages.
     */
    private void readChangedRows(SqlSession db, IndexedMessages into, long since) {
        long changed = db.firstLong("SELECT count(*) FROM message WHERE mailbox_id = ? AND modseq > ?", mailboxId, since)
                .orElse(0);
        if (changed > CHANGED_AT_ONCE) {
            readRows(db, into, since, true);
            return;
        }
        FlagsCache cache = new FlagsCache();
        db.list("SELECT uid, modseq, size * 64 + (flags & 31) + CASE WHEN keywords = '' THEN 0 ELSE 32 END, "
                        + "internal_date, keywords FROM message WHERE mailbox_id = ? AND modseq > ? ORDER BY uid",
                rs -> {
                    putRow(rs, into, cache, true);
                    return null;
                }, mailboxId, since);
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
                        last[0] = putRow(rs, into, cache, log);
                        n[0]++;
                        return null;
                    }, mailboxId, after, since, BUILD_PAGE);
            if (n[0] < BUILD_PAGE) return;
            after = last[0];
        }
    }

    /** Puts the row (uid, modseq, size and flags packed, internal_date, keywords) into the index; its UID. */
    private static long putRow(java.sql.ResultSet rs, IndexedMessages into, FlagsCache cache, boolean log)
            throws java.sql.SQLException {
        long uid = rs.getLong(1), modSeq = rs.getLong(2), sizeAndFlags = rs.getLong(3);
        int system = (int) (sizeAndFlags & 31);
        String keywords = (sizeAndFlags & 32) != 0 ? rs.getString(5) : null;
        into.put(uid, modSeq, cache.of(system, keywords), rs.getLong(4), sizeAndFlags >>> 6);
        if (log) into.log(modSeq, uid, false);
        return uid;
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
