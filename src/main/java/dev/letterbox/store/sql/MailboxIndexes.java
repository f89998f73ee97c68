package dev.letterbox.store.sql;

import dev.letterbox.store.Change;
import dev.letterbox.store.MailboxIndex;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This node's in-memory mailbox indexes, one per open mailbox, counted by holders: built at the first
 * {@link #open}. When the last holder lets go, the index is kept for {@link #RETAIN_NANOS} while all
 * kept ones together stay within {@link #retainBudget} bytes (oldest released go first), so that
 * selecting a big mailbox again does not read it all again. Keeps them exact, held or kept:
 * <ul>
 *   <li>this node's writes: the writer hands each committed unit's {@link IndexDelta}s to
 *       {@link #committed} after COMMIT and before publishing the unit's changes; the index queues them
 *       and applies them when next read;</li>
 *   <li>other processes' and nodes' writes: the change feed calls {@link #foreign} before publishing;
 *       the index re-reads what changed when next read.</li>
 * </ul>
 * Both calls only offer to a queue or set a flag: the writer and the feed never wait for an index.
 *
 * <p>Big mailboxes' indexes are also kept on disk ({@link IndexSnapshots}): written after a build from
 * the database, when one is dropped from memory and when the store closes; the next build reads the
 * snapshot and the changes since instead of every row.
 */
final class MailboxIndexes {
    /** How long an index nobody holds is kept. */
    static final long RETAIN_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final ReadPool reads;
    private final Map<Long, SqlMailboxIndex> byMailbox = new ConcurrentHashMap<>();
    /** Indexes nobody holds, in the order they were let go (entries of indexes taken again are skipped). */
    private final ConcurrentLinkedDeque<Kept> kept = new ConcurrentLinkedDeque<>();
    private final AtomicLong keptBytes = new AtomicLong();
    private final long retainBudget;
    /** This node's snapshots; null: none. */
    private final IndexSnapshots snapshots;
    /** Mailboxes with at least this many messages get a snapshot (settable for tests). */
    private volatile int snapshotMin = SNAPSHOT_MIN;
    /** Below this, building from the database takes a few milliseconds: no snapshot is worth a file. */
    static final int SNAPSHOT_MIN = 10_000;
    /** Writes the snapshots that follow builds; closed (its writes awaited) when the store closes. */
    private final ExecutorService background =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("letterbox-index-snapshot").factory());

    private record Kept(SqlMailboxIndex index, long since) {}

    /** {@code snapshots}: where this node keeps index snapshots, or null for none. */
    MailboxIndexes(ReadPool reads, IndexSnapshots snapshots) {
        this(reads, Runtime.getRuntime().maxMemory() / 8, snapshots);
    }

    /** {@code retainBudget}: bytes the indexes nobody holds may take together. */
    MailboxIndexes(ReadPool reads, long retainBudget, IndexSnapshots snapshots) {
        this.reads = reads;
        this.retainBudget = retainBudget;
        this.snapshots = snapshots;
    }

    /** See {@link dev.letterbox.store.MailStore#openIndex}. */
    MailboxIndex open(long accountId, long mailboxId) {
        SqlMailboxIndex index = byMailbox.compute(mailboxId, (id, current) -> {
            // a gone index stays with its holders; a mailbox id reused (SQLite may) gets a fresh one
            SqlMailboxIndex use = current == null || current.isGone()
                    ? new SqlMailboxIndex(reads, accountId, id, snapshots, snapshotMin, background) : current;
            if (use.holders++ == 0 && use.keptSince != 0) {
                use.keptSince = 0; // held again: no longer kept
                keptBytes.addAndGet(-use.keptBytes);
            }
            return use;
        });
        boolean ok = false;
        try {
            if (index.accountId != accountId || !index.open()) throw MailboxQueries.nonexistent();
            ok = true;
            return new Hold(index);
        } finally {
            if (!ok) release(index);
        }
    }

    private void release(SqlMailboxIndex index) {
        long bytes = index.bytesUsed(); // here: it may wait for the index's lock, which the map's must not
        byMailbox.computeIfPresent(index.mailboxId, (id, current) -> {
            if (current != index || --current.holders > 0) return current;
            if (current.isGone()) return null;
            current.keptSince = System.nanoTime();
            current.keptBytes = bytes;
            keptBytes.addAndGet(current.keptBytes);
            kept.addLast(new Kept(current, current.keptSince));
            return current;
        });
        trim();
    }

    /** Drops kept indexes that are too old, then the oldest ones while the kept ones take too much. */
    private void trim() {
        long now = System.nanoTime();
        for (Kept k; (k = kept.peekFirst()) != null; ) {
            if (k.index().keptSince == k.since() && now - k.since() < RETAIN_NANOS && keptBytes.get() <= retainBudget) {
                return;
            }
            if (!kept.remove(k)) continue; // another thread trims too
            Kept gone = k;
            boolean[] dropped = {false};
            byMailbox.computeIfPresent(gone.index().mailboxId, (id, current) -> {
                if (current != gone.index() || current.holders > 0 || current.keptSince != gone.since()) return current;
                keptBytes.addAndGet(-current.keptBytes);
                current.keptSince = 0;
                dropped[0] = true;
                return null;
            });
            if (dropped[0]) gone.index().saveSnapshot(); // outside the map's lock: it writes a file
        }
    }

    /** Writes the snapshots of the indexes in memory (the store is closing; no index is read any more). */
    void saveSnapshots() {
        background.close();
        for (SqlMailboxIndex index : byMailbox.values()) index.saveSnapshot();
    }

    /**
     * Called by the writer thread for each committed unit, before its changes are published: hands the
     * unit's deltas to the open indexes; a mailbox whose content changed without a delta (deleted, its
     * account removed) and an account that changed make those indexes re-read.
     */
    void committed(List<IndexDelta> deltas, Set<Change> changes) {
        if (byMailbox.isEmpty()) return;
        Set<Long> delivered = new HashSet<>();
        for (IndexDelta d : deltas) {
            delivered.add(d.mailboxId());
            SqlMailboxIndex index = byMailbox.get(d.mailboxId());
            if (index != null) index.offer(d);
        }
        for (Change change : changes) {
            switch (change) {
                case Change.MailboxContent c -> {
                    if (!delivered.contains(c.mailboxId())) markStale(c.mailboxId());
                }
                case Change.AccountChanged a -> markAccountStale(a.accountId());
                case Change.MailboxList l -> { } // this node's deletes come with a MailboxContent
                case Change.SieveScripts x -> { }
                case Change.Metadata x -> { }
                case Change.PrivateFlags x -> { } // a user's own \Seen is not in the mailbox's index
            }
        }
    }

    /** Another process or node committed {@code change}: the indexes it may concern re-read. */
    void foreign(Change change) {
        switch (change) {
            case Change.MailboxContent c -> markStale(c.mailboxId());
            // a mailbox may have been deleted or recreated, an account removed
            case Change.MailboxList l -> markAccountStale(l.accountId());
            case Change.AccountChanged a -> markAccountStale(a.accountId());
            case Change.SieveScripts x -> { }
            case Change.Metadata x -> { }
            case Change.PrivateFlags x -> { }
        }
    }

    /** Every index re-reads (the feed of other nodes' changes was interrupted). */
    void allStale() {
        for (SqlMailboxIndex index : byMailbox.values()) index.markStale();
    }

    private void markStale(long mailboxId) {
        SqlMailboxIndex index = byMailbox.get(mailboxId);
        if (index != null) index.markStale();
    }

    private void markAccountStale(long accountId) {
        for (SqlMailboxIndex index : byMailbox.values()) {
            if (index.accountId == accountId) index.markStale();
        }
    }

    /** How often the mailbox's index has read the store so far; -1 when it is not open (for tests). */
    long storeReads(long mailboxId) {
        SqlMailboxIndex index = byMailbox.get(mailboxId);
        return index == null ? -1 : index.storeReads();
    }

    /** Whether the mailbox's index in memory was built from a snapshot (for tests). */
    boolean fromSnapshot(long mailboxId) {
        SqlMailboxIndex index = byMailbox.get(mailboxId);
        return index != null && index.fromSnapshot();
    }

    /** Snapshots for mailboxes of at least {@code messages} messages from now on (for tests). */
    void snapshotFrom(int messages) {
        snapshotMin = messages;
    }

    /** Indexes in memory now, held or kept (for tests and metrics). */
    int openCount() {
        return byMailbox.size();
    }

    /** One holder's hold on a shared index: closing it twice releases it once. */
    private final class Hold implements MailboxIndex {
        private final SqlMailboxIndex index;
        private final AtomicBoolean closed = new AtomicBoolean();

        Hold(SqlMailboxIndex index) {
            this.index = index;
        }

        @Override
        public long mailboxId() {
            return index.mailboxId;
        }

        @Override
        public Summary summary(UidRuns uids) {
            return index.summary(uids);
        }

        @Override
        public Changes changesSince(long modSeq, long afterUid) {
            return index.changesSince(modSeq, afterUid);
        }

        @Override
        public void read(long fromUid, long toUid, Page page) {
            index.read(fromUid, toUid, page);
        }

        @Override
        public long[] uidsWithFlag(int flag) {
            return index.uidsWithFlag(flag, true);
        }

        @Override
        public long[] uidsWithoutFlag(int flag) {
            return index.uidsWithFlag(flag, false);
        }

        @Override
        public long recentMarkReached() {
            return index.recentMark.get();
        }

        @Override
        public void recentMarkReached(long mark) {
            index.recentMark.accumulateAndGet(mark, Math::max);
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) release(index);
        }
    }
}
