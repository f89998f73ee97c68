package dev.letterbox.store;

import java.util.List;

/**
 * One mailbox's light per-message data (UID, MODSEQ, flags, INTERNALDATE, RFC822.SIZE) held in memory
 * on this node, shared by every session that has the mailbox open: what a flag sync, a FETCH of
 * those items, a SEARCH on flags, sizes, dates and numbers and SELECT's counts need, without a
 * database read per command. The store stays the durable truth; an index is a cache that the store
 * keeps exact (see {@link MailStore#openIndex}).
 *
 * <p>Every method first brings the index up to date with everything committed before the call
 * started: this node's writes (handed over by the store's writer after commit, before their
 * {@link Change} is published) and other processes' or nodes' (announced by the change feed; the
 * index then re-reads what changed, in one read transaction). So a session that heard a write's OK,
 * or an announcement of it, sees the write here. Methods may block on that catch-up; never call them
 * from a {@link ChangeBus} listener or from inside a store transaction.
 *
 * <p>Thread-safe. Answers are copies (or, for {@link #read}, written into the caller's page): write to
 * clients after a call returns, never from inside one. {@link #close} releases the caller's hold.
 */
public interface MailboxIndex extends AutoCloseable {
    long mailboxId();

    /**
     * The mailbox as SELECT reports it, with its UIDs given to {@code uids} as runs of consecutive
     * UIDs, ascending, in the same catch-up (runs are reported before this method returns).
     */
    Summary summary(UidRuns uids);

    /**
     * What changed after {@code modSeq}: UIDs expunged since, UIDs above {@code afterUid} (new to the
     * caller), and the current state of messages at or below {@code afterUid} changed since.
     */
    Changes changesSince(long modSeq, long afterUid);

    /** Copies the messages with {@code fromUid <= uid <= toUid}, ascending, into {@code page} (up to its capacity). */
    void read(long fromUid, long toUid, Page page);

    /** UIDs of the messages with system flag {@code flag}, ascending. */
    long[] uidsWithFlag(int flag);

    /** UIDs of the messages without system flag {@code flag}, ascending (SEARCH UNSEEN without a per-message pass). */
    long[] uidsWithoutFlag(int flag);

    /**
     * A value the mailbox's stored \Recent mark ({@link ReadTx#recentMark}) has reached, as this node
     * last read or moved it; 0 when not known yet. The stored mark only rises, so it is never below
     * this: a session that finds its new messages below it knows another session took them, and one
     * that claims from it ({@link WriteTx#claimRecent(long, long, long)}) finds out in the same
     * statement when the mark has moved on. It spares the read of the stored mark before each claim.
     */
    long recentMarkReached();

    /** Tells the index that the stored \Recent mark has reached {@code mark} (it keeps the highest it is told). */
    void recentMarkReached(long mark);

    /** Releases the caller's hold; the index goes when no one holds it. */
    @Override
    void close();

    /** Receives a mailbox's UIDs as runs {@code from..to}. */
    @FunctionalInterface
    interface UidRuns {
        void run(long from, long to);
    }

    /**
     * SELECT's figures. {@code gone}: the mailbox no longer exists (deleted, or recreated with a new
     * UIDVALIDITY); the other fields are then meaningless.
     */
    record Summary(boolean gone, long uidValidity, long uidNext, long highestModSeq, int messages, int unseen,
                   long firstUnseenUid, List<String> keywords) {}

    /**
     * Changes since a MODSEQ. {@code expunged} is null when the index no longer remembers that far
     * back (the caller then compares its UIDs with {@code uidsNow}, which is set only then);
     * {@code changed} holds messages at or below the caller's {@code afterUid}.
     */
    record Changes(boolean gone, long highestModSeq, long uidNext, long[] expunged, long[] uidsNow, long[] added,
                   List<FlagState> changed) {
        public boolean none() {
            return !gone && expunged != null && expunged.length == 0 && added.length == 0 && changed.isEmpty();
        }
    }

    /**
     * A page of messages, as parallel arrays, reused from call to call: {@code count} entries are
     * valid. {@code sizes} are RFC822.SIZE, {@code internalDates} epoch milliseconds.
     */
    final class Page {
        public final long[] uids, modSeqs, internalDates, sizes;
        public final Flags[] flags;
        public int count;

        public Page(int capacity) {
            uids = new long[capacity];
            modSeqs = new long[capacity];
            internalDates = new long[capacity];
            sizes = new long[capacity];
            flags = new Flags[capacity];
        }

        public int capacity() {
            return uids.length;
        }
    }
}
