package dev.letterbox.store;

import java.util.List;
import java.util.Optional;

/**
 * A read transaction scoped to one account: a consistent snapshot while it is open. Keep it short:
 * page through large mailboxes with {@link #messages} and write to clients between pages.
 */
public interface ReadTx {
    Account account();

    /** All mailboxes of the account, ordered by name. */
    List<Mailbox> mailboxes();

    /** By name; "INBOX" matches case-insensitively, other names exactly. */
    Optional<Mailbox> mailbox(String name);

    Optional<Mailbox> mailbox(long mailboxId);

    /** {@link #mailbox(String)} with the mailbox's {@link #recentMark} read by the same query. */
    Optional<MarkedMailbox> mailboxWithRecentMark(String name);

    /** A mailbox and its \Recent mark as one read found them. */
    record MarkedMailbox(Mailbox mailbox, long recentMark) {}

    /** The first mailbox with this special-use attribute, if any. */
    Optional<Mailbox> mailboxWithUse(SpecialUse use);

    MailboxStatus status(long mailboxId);

    /**
     * {@link #status(long)} with {@code recent} counting the UIDs at or above {@code recentMarkAtLeast}
     * when that is above the stored recent mark: a claim a session has made but not yet stored.
     */
    MailboxStatus status(long mailboxId, long recentMarkAtLeast);

    /** Names of the subscribed mailboxes (they need not exist, RFC 3501 §6.3.6). */
    List<String> subscriptions();

    /** {@link #mailboxes} and {@link #subscriptions} together (LIST's data). */
    record MailboxTree(List<Mailbox> mailboxes, List<String> subscriptions) {}

    /**
     * {@link #mailboxes} and {@link #subscriptions} read by one query, so a LIST run alone
     * ({@link MailStore#readOne}) costs one round trip on a networked database instead of four.
     */
    MailboxTree mailboxTree();

    /** Every UID in the mailbox, ascending. */
    long[] uids(long mailboxId);

    /** UIDs of the messages that have system flag {@code flag} ({@link Flags#DELETED}, ...), ascending. */
    long[] uidsWithFlag(long mailboxId, int flag);

    /** Messages with {@code fromUid <= uid <= toUid}, ascending by UID, at most {@code limit}. */
    List<MessageMeta> messages(long mailboxId, long fromUid, long toUid, int limit);

    /** The same messages as {@link #messages}, only their flags: cheaper to read for a flag sync. */
    List<FlagState> flagStates(long mailboxId, long fromUid, long toUid, int limit);

    Optional<MessageMeta> message(long mailboxId, long uid);

    /**
     * The messages among {@code uids} (ascending) that exist, ascending by UID, in one query, each
     * with its stored structure when {@code withStructures}. For FETCH: a page of scattered UIDs
     * ("1,4,9:12,30") costs one query, not one per range. Structures never change, so a node may
     * answer them from memory; run alone (see {@link MailStore#readOne}) this needs no transaction.
     */
    List<StoredMessage> messages(long mailboxId, long[] uids, boolean withStructures);

    /** Messages whose MODSEQ is above {@code modSeq}, with UID above {@code afterUid}, ascending by UID. */
    List<MessageMeta> changedSince(long mailboxId, long modSeq, long afterUid, int limit);

    /**
     * UIDs expunged at a MODSEQ above {@code modSeq}, ascending (QRESYNC VANISHED). Complete only when
     * {@code modSeq} is at or above {@link #vanishedHorizon}: older expunges are forgotten.
     */
    long[] expungedSince(long mailboxId, long modSeq);

    /**
     * The highest MODSEQ whose expunges are no longer recorded (tombstones are pruned after a while);
     * 0 when every expunge is. From before it, every UID that no longer exists may have vanished.
     */
    long vanishedHorizon(long mailboxId);

    /** The UID at or above which messages are \Recent for the next session to claim them. */
    long recentMark(long mailboxId);

    /** The lowest UID without \\Seen, 0 when every message is seen (IMAP SELECT's [UNSEEN n]). */
    long firstUnseenUid(long mailboxId);

    /** The keywords set on at least one message of the mailbox, sorted case-insensitively (IMAP FLAGS). */
    List<String> keywordsInUse(long mailboxId);

    /** The parsed-once structure stored with the blob, or null when none was stored. */
    byte[] structure(BlobId blob);

    /**
     * The stored structures of the messages {@link #messages} would return for the same arguments,
     * by UID, in one query (messages without one are absent).
     */
    java.util.Map<Long, byte[]> structures(long mailboxId, long fromUid, long toUid, int limit);
}
