package dev.letterbox.store;

/**
 * A committed change, as the {@link ChangeBus} announces it. It carries no data on purpose:
 * listeners re-read what changed from the store (by UID and MODSEQ), which stays correct when
 * events are coalesced or come from another process.
 */
public sealed interface Change {
    long accountId();

    /** Messages were added, expunged or had their flags changed in this mailbox. */
    record MailboxContent(long accountId, long mailboxId) implements Change {}

    /**
     * The account's own flags (its private \Seen) on messages of another account's mailbox changed:
     * announced to this account only, so its other sessions on that mailbox show them.
     */
    record PrivateFlags(long accountId, long mailboxId) implements Change {}

    /** Mailboxes of the account were created, deleted, renamed or (un)subscribed. */
    record MailboxList(long accountId) implements Change {}

    /** The account itself changed (password, quota, protocols, disabled, removed). */
    record AccountChanged(long accountId) implements Change {}

    /** The account's Sieve scripts changed: one was uploaded, renamed, deleted, (de)activated. */
    record SieveScripts(long accountId) implements Change {}

    /**
     * METADATA entries (RFC 5464) of this mailbox were set or removed; mailbox id
     * {@link MailboxMetadata#SERVER} for the account's server entries.
     */
    record Metadata(long accountId, long mailboxId) implements Change {}
}
