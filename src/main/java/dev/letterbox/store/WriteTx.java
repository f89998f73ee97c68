package dev.letterbox.store;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A write transaction scoped to one account. Everything it does commits together, durably, or not
 * at all; changes are announced after commit. Refusals throw {@link MailboxException} and roll the
 * whole unit of work back.
 */
public interface WriteTx extends ReadTx {
    /** Creates a mailbox, and any missing parents of it (RFC 3501 §6.3.3). */
    Mailbox createMailbox(String name, Optional<SpecialUse> use);

    /** Deletes a mailbox and its messages. INBOX cannot be deleted. Children stay (RFC 3501 §6.3.4). */
    void deleteMailbox(long mailboxId);

    /**
     * Renames a mailbox and its children. Renaming INBOX moves its messages to a new mailbox of that
     * name and leaves INBOX empty (RFC 3501 §6.3.5).
     */
    void renameMailbox(String oldName, String newName);

    void setSubscribed(String name, boolean subscribed);

    /** Adds a message at the mailbox's UIDNEXT; counts against the quota. */
    AppendResult append(long mailboxId, NewMessage message);

    /**
     * {@link #append(long, NewMessage)} to the mailbox {@link #mailbox(String)} finds by this name
     * (NONEXISTENT when none): one look-up less for a caller that knows only the name.
     */
    AppendResult append(String mailboxName, NewMessage message);

    /** Copies the given UIDs (those that exist) to the end of {@code targetMailboxId}. */
    CopyResult copy(long sourceMailboxId, long[] uids, long targetMailboxId);

    /** Copy, then expunge from the source, in one step (RFC 6851). */
    CopyResult move(long sourceMailboxId, long[] uids, long targetMailboxId);

    /**
     * Changes flags of the given UIDs. Messages whose flags would not change are left alone (their
     * MODSEQ stays). With {@code unchangedSince}, messages with a higher MODSEQ are refused.
     */
    FlagUpdate storeFlags(long mailboxId, long[] uids, FlagUpdate.Mode mode, Flags flags, OptionalLong unchangedSince);

    /** Removes the given UIDs (those that exist), leaving tombstones; returns the UIDs removed, ascending. */
    long[] expunge(long mailboxId, long[] uids);

    /**
     * The mailbox's HIGHESTMODSEQ as this transaction has it now: after a change of this unit to the
     * mailbox, the MODSEQ that change took, known without a read (an EXPUNGE tells its session which
     * MODSEQ was its own). NONEXISTENT when the mailbox is not the account's.
     */
    long highestModSeq(long mailboxId);

    /** Returns the current recent mark and moves it to UIDNEXT: this caller now owns those \Recent messages. */
    long claimRecent(long mailboxId);

    /**
     * Returns the current recent mark and moves it up to {@code upTo} (never back, never past
     * UIDNEXT): the UIDs from the returned mark up to {@code upTo} are \Recent for this caller alone,
     * whichever session on whichever node asks at the same time.
     */
    long claimRecent(long mailboxId, long upTo);

    /**
     * {@link #claimRecent(long, long)} for a caller that knows a value the mark has reached,
     * {@code seenMark} (read just now, or {@link MailboxIndex#recentMarkReached()}): when the mark is
     * still there, one conditional update moves it (no locking read first); when it has moved on,
     * the claim is made as {@link #claimRecent(long, long)} makes it. Same answer. In a unit that
     * appended to the mailbox, the unit holds it and knows its mark already: no read at all.
     */
    long claimRecent(long mailboxId, long seenMark, long upTo);
}
