package dev.letterbox.store;

import java.util.List;

/**
 * Who else may use a mailbox, and how (RFC 4314 access control lists): each grant gives one
 * account {@link Rights} on one mailbox of another account, its owner; and who may send mail as
 * an account. The owner always has every
 * right and is never listed. Grants follow their mailbox through renames and are removed with it
 * and with either account. Obtained from {@link MailStore#grants()}.
 *
 * <p>Every method is one transaction. A change is durable before the method returns and announced
 * to the grantee as {@link Change.MailboxList} (what it may list has changed). Refusals are
 * {@link MailboxException}s: NONEXISTENT for a mailbox that is not the owner's, NOT_FOUND for a
 * grantee account that does not exist, NOT_ALLOWED for a grant of the owner to itself.
 */
public interface MailboxGrants {
    /** One grant on a mailbox of its owner's, as the owner lists them. */
    record Grant(Mailbox mailbox, long granteeId, String grantee, Rights rights) {}

    /** A mailbox of another account that {@code rights} let the grantee use. */
    record Shared(long ownerId, String owner, Mailbox mailbox, Rights rights) {}

    /** Gives {@code granteeId} exactly {@code rights} on the mailbox, replacing any earlier grant; none removes it. */
    void set(long ownerId, long mailboxId, long granteeId, Rights rights);

    /** The grants on one mailbox of the owner, ordered by grantee address. */
    List<Grant> grants(long ownerId, long mailboxId);

    /** Every grant the owner has given, ordered by mailbox name, then grantee address. */
    List<Grant> grantsBy(long ownerId);

    /** Every mailbox shared with the grantee, ordered by owner address, then mailbox name. */
    List<Shared> sharedWith(long granteeId);

    /** The grantee's rights on one mailbox of another account; {@link Rights#NONE} when it has no grant. */
    Rights rights(long mailboxId, long granteeId);

    /**
     * The UIDs of the mailbox the grantee has seen, ascending: a grantee's \Seen is its own, not
     * the message's flag (which is the owner's).
     */
    long[] seenBy(long mailboxId, long granteeId);

    /** Marks the UIDs seen (or no longer seen) by the grantee; UIDs of messages not there are ignored. */
    void setSeen(long ownerId, long mailboxId, long granteeId, long[] uids, boolean seen);

    /**
     * "Send as": lets the grantee submit mail with the owner's addresses as the envelope sender
     * ({@code allowed}), or no longer. Same refusals as {@link #set}, NOT_FOUND also for the owner.
     */
    void setSendAs(long ownerId, long granteeId, boolean allowed);

    /** The accounts whose addresses the grantee may send as, ordered by address. */
    List<Account> sendAsOwners(long granteeId);

    /** The accounts that may send as the owner, ordered by address. */
    List<Account> sendAsGrantees(long ownerId);
}
