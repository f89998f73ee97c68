package dev.letterbox.store;

import java.util.concurrent.CompletableFuture;

/**
 * The one storage interface the protocols use. One implementation over two databases: embedded
 * SQLite and PostgreSQL; both pass the same contract tests.
 *
 * <p>Thread-safe. {@code write} calls are serialised (and may be committed in groups: several
 * concurrent units of work can share one fsync), each unit isolated from the others' failures.
 */
public interface MailStore extends AutoCloseable {
    DirectoryStore directory();

    BlobStore blobs();

    ChangeBus changes();

    /** The outbound queue (mail waiting for remote delivery). */
    OutboundQueue queue();

    /** The tallies of DMARC aggregate reports waiting to be sent. */
    DmarcReportStore dmarcReports();

    /** Locks and failed-login counts shared by every node on this database. */
    Coordination coordination();

    /** Each account's Sieve scripts. */
    SieveScripts sieveScripts();

    /** URLAUTH mailbox access keys (RFC 4467). */
    UrlAuthKeys urlAuthKeys();

    /** Who else may use each account's mailboxes (shared mailboxes). */
    MailboxGrants grants();

    /** IMAP METADATA entries of mailboxes and of the server. */
    MailboxMetadata metadata();

    <T> T read(long accountId, Work<ReadTx, T> work);

    /**
     * Like {@link #read}, without a transaction around {@code work}: each query sees the database as
     * it is when that query runs, not one snapshot for all. Only for work that makes one query, or
     * whose further queries read what never changes (a message's structure); on a networked
     * database it saves the round trips of BEGIN and COMMIT.
     */
    <T> T readOne(long accountId, Work<ReadTx, T> work);

    /** Runs {@code work} in a write transaction and returns once it is durably committed. */
    <T> T write(long accountId, Work<WriteTx, T> work);

    /**
     * Like {@link #write} for changes whose loss in a crash of the machine is acceptable for about a
     * second: flags (IMAP STORE, the \Seen a FETCH sets) and \Recent claims. Returns once the change
     * is committed and seen by every reader; it survives a crash of this process from then on, and a
     * crash of the machine once it is on disk: with the next {@link #write} of any account or about a
     * second later, whichever comes first. Such writes share commits without each waiting for a fsync.
     */
    <T> T writeUnsynced(long accountId, Work<WriteTx, T> work);

    /** Like {@link #write} without waiting: lets one caller commit several accounts' work together. */
    <T> CompletableFuture<T> writeAsync(long accountId, Work<WriteTx, T> work);

    /**
     * This node's in-memory index of a mailbox of the account, shared with every other holder and kept
     * exact by the store (see {@link MailboxIndex}); built at the first open. Close it when done.
     *
     * @throws MailboxException NONEXISTENT when the mailbox is not the account's
     */
    MailboxIndex openIndex(long accountId, long mailboxId);

    @Override
    void close();

    @FunctionalInterface
    interface Work<X, T> {
        T run(X tx);
    }
}
