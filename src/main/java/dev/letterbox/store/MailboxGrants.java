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
    /** RFC 4314 §2: every account (this server knows no anonymous users). */
    String ANYONE = "anyone";
    /** Dovecot's name for every logged-in user: here the same accounts as {@link #ANYONE}. */
    String AUTHENTICATED = "authenticated";

    /**
     * One grant on a mailbox of its owner's, as the owner lists them: to one account, or to a group
     * ({@code granteeId} 0, {@code grantee} the group's identifier, see {@link #isGroup}).
     */
    record Grant(Mailbox mailbox, long granteeId, String grantee, Rights rights) {}

    /** The group identifier of every account of {@code domain}: "$" and the domain, as Dovecot writes groups. */
    static String domainGroup(String domain) {
        return "$" + domain.toLowerCase(java.util.Locale.ROOT);
    }

    /** True when {@code identifier} (lower-case) names a group rather than one account. */
    static boolean isGroup(String identifier) {
        return identifier.equals(ANYONE) || identifier.equals(AUTHENTICATED) || (identifier.startsWith("$") && identifier.length() > 1);
    }

    /** The groups an account of this address belongs to: anyone, authenticated, its domain's. */
    static List<String> groupsOf(String address) {
        return List.of(ANYONE, AUTHENTICATED, domainGroup(address.substring(address.lastIndexOf('@') + 1)));
    }

    /** A mailbox of another account that {@code rights} let the grantee use. */
    record Shared(long ownerId, String owner, Mailbox mailbox, Rights rights) {}

    /** Gives {@code granteeId} exactly {@code rights} on the mailbox, replacing any earlier grant; none removes it. */
    void set(long ownerId, long mailboxId, long granteeId, Rights rights);

    /**
     * Gives the group {@code identifier} ({@link #isGroup}, lower-case) exactly {@code rights} on the
     * mailbox; none removes the grant. Its members' lists are not announced (they may be everyone).
     */
    void setGroup(long ownerId, long mailboxId, String identifier, Rights rights);

    /** The grants on one mailbox of the owner, ordered by grantee address (groups among them by identifier). */
    List<Grant> grants(long ownerId, long mailboxId);

    /** Every grant the owner has given, ordered by mailbox name, then grantee address. */
    List<Grant> grantsBy(long ownerId);

    /**
     * Every mailbox of another account shared with the grantee or a group it belongs to (rights
     * together), ordered by owner address, then mailbox name.
     */
    List<Shared> sharedWith(long granteeId);

    /**
     * {@link #sharedWith(long)} for a grantee the caller holds (a session's own account): the groups
     * it belongs to come from its address, with no read of its account first.
     */
    List<Shared> sharedWith(Account grantee);

    /**
     * What a LIST shows the grantee: its own mailboxes and subscriptions ({@link ReadTx#mailboxTree})
     * and {@link #sharedWith(Account)}, read together (one round trip to a networked database).
     */
    Listing listing(Account grantee);

    /** See {@link #listing}. */
    record Listing(ReadTx.MailboxTree own, List<Shared> shared) {}

    /**
     * The grantee's rights on one mailbox of another account: its own grant's and those of its
     * groups ({@link #groupsOf}) together; {@link Rights#NONE} when none of them has a grant.
     */
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

    /**
     * "Send on behalf": lets the grantee name the owner's addresses in From: of mail it submits
     * under its own envelope sender, with Sender: naming the grantee ({@code allowed}), or no
     * longer. Same refusals as {@link #setSendAs}.
     */
    void setSendOnBehalf(long ownerId, long granteeId, boolean allowed);

    /** The accounts on whose behalf the grantee may send, ordered by address. */
    List<Account> sendOnBehalfOwners(long granteeId);

    /** The accounts that may send on behalf of the owner, ordered by address. */
    List<Account> sendOnBehalfGrantees(long ownerId);
}
