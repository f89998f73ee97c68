package dev.letterbox.store;

import java.util.List;

/**
 * IMAP METADATA (RFC 5464) entries: named values attached to one of an account's mailboxes, or
 * with mailbox id {@link #SERVER} to the account's view of the server (METADATA-SERVER). Obtained
 * from {@link MailStore#metadata()}.
 *
 * <p>Entry names ("/private/comment", "/shared/vendor/x/y") are checked and lower-cased by the
 * caller; this store compares them exactly. An entry lives as long as its mailbox: RENAME keeps it,
 * DELETE of the mailbox (or of the account) removes it. Every method is one transaction and a
 * change is durable before {@link #set} returns. Refusals are {@link MailboxException}s:
 * {@code NONEXISTENT} for a mailbox that is not the account's, {@code LIMIT} when a change would
 * pass the account's entry count or total size (nothing of it is applied then).
 */
public interface MailboxMetadata {
    /** The mailbox id that stands for the server's entries. */
    long SERVER = 0;

    /** One entry; {@code value} null in a change means "remove the entry". */
    record Entry(String name, byte[] value) {}

    /** Every entry of the mailbox (or of the server), ordered by name. */
    List<Entry> list(long accountId, long mailboxId);

    /** An entry and the mailbox (or {@link #SERVER}) it belongs to. */
    record Located(long mailboxId, Entry entry) {}

    /** Every entry of the account, of all its mailboxes and the server, in no particular order. */
    List<Located> all(long accountId);

    /**
     * Sets and removes entries of one mailbox (or of the server), all or nothing; refused with
     * {@code LIMIT} when the account would then have more than {@code maxEntries} entries or more
     * than {@code maxTotalBytes} octets of values over all its mailboxes.
     */
    void set(long accountId, long mailboxId, List<Entry> changes, int maxEntries, long maxTotalBytes);
}
