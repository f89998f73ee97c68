/**
 * The storage boundary: everything the protocols keep lives behind {@link dev.letterbox.store.MailStore},
 * spoken in the domain's words (account, mailbox, UID, MODSEQ, flags, special-use).
 *
 * <p>Invariants every implementation keeps:
 * <ul>
 *   <li>One {@code read}/{@code write} call is one database transaction. A write either happens whole
 *       or not at all, and is durable (fsynced) before {@code write} returns.</li>
 *   <li>Changes are published on the {@link dev.letterbox.store.ChangeBus} only after commit, and
 *       before the {@code write} that made them returns; also when another process or node made
 *       them (within about a second).</li>
 *   <li>A {@link dev.letterbox.store.MailboxIndex} answers with every write whose change was published
 *       before the call: this node's writes reach it before they are published, others' when their
 *       announcement arrives. It is a cache; the database stays the truth.</li>
 *   <li>UIDs in a mailbox are strictly ascending and never reused while its UIDVALIDITY stands;
 *       every change to a message or mailbox raises the mailbox's HIGHESTMODSEQ; an expunge leaves a
 *       tombstone carrying the MODSEQ at which it happened.</li>
 *   <li>A transaction opened for one account never sees or touches another account's mailboxes.</li>
 *   <li>Message bytes are immutable blobs, durable no later than the transaction that first refers
 *       to them; COPY shares the blob. A blob no message or queue entry refers to is deleted.</li>
 *   <li>What several nodes on one database must agree on is decided in the database, never in one
 *       process's memory: a mailbox's \Recent mark ({@code WriteTx.claimRecent}), locks with an
 *       expiry and failed-login counts ({@link dev.letterbox.store.Coordination}).</li>
 * </ul>
 * No implementation detail (SQL, files) leaks through these types.
 */
package dev.letterbox.store;
