package dev.letterbox.store.sql;

import dev.letterbox.store.Change;
import dev.letterbox.store.MailboxIndex;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This node's in-memory mailbox indexes, one per open mailbox, counted by holders: built at the first
 * {@link #open}, dropped at the last close. Keeps them exact:
 * <ul>
 *   <li>this node's writes: the writer hands each committed unit's {@link IndexDelta}s to
 *       {@link #committed} after COMMIT and before publishing the unit's changes; the index queues them
 *       and applies them when next read;</li>
 *   <li>other processes' and nodes' writes: the change feed calls {@link #foreign} before publishing;
 *       the index re-reads what changed when next read.</li>
 * </ul>
 * Both calls only offer to a queue or set a flag: the writer and the feed never wait for an index.
 */
final class MailboxIndexes {
    private final ReadPool reads;
    private final Map<Long, SqlMailboxIndex> byMailbox = new ConcurrentHashMap<>();

    MailboxIndexes(ReadPool reads) {
        this.reads = reads;
    }

    /** See {@link dev.letterbox.store.MailStore#openIndex}. */
    MailboxIndex open(long accountId, long mailboxId) {
        SqlMailboxIndex index = byMailbox.compute(mailboxId, (id, current) -> {
            // a gone index stays with its holders; a mailbox id reused (SQLite may) gets a fresh one
            SqlMailboxIndex use = current == null || current.isGone() ? new SqlMailboxIndex(reads, accountId, id) : current;
            use.holders++;
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
        byMailbox.computeIfPresent(index.mailboxId, (id, current) -> {
            if (current != index) return current;
            return --current.holders == 0 ? null : current;
        });
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

    /** Indexes open now (for tests and metrics). */
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
            return index.uidsWithFlag(flag);
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) release(index);
        }
    }
}
