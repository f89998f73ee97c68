/**
 * IMAP sessions: one {@link dev.letterbox.imap.server.ImapSession} per connection, on its own
 * virtual thread, over the pure protocol package {@code dev.letterbox.imap}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Each command declares the state it needs and whether it enables CONDSTORE
 *       ({@link dev.letterbox.imap.ImapCommand#needs}, {@link dev.letterbox.imap.ImapCommand#enablesCondstore});
 *       the session checks the state and turns CONDSTORE on in one place, then dispatches through
 *       one exhaustive switch. Handlers ({@code *Handler}, by command family: auth, mailbox, list,
 *       select, fetch, store/copy/move/expunge, search/sort/thread, quota, ACL, metadata, URL,
 *       session) see a {@link dev.letterbox.imap.server.CommandContext}, not the session: the
 *       writer, the account and its {@link dev.letterbox.imap.server.AccountStore}, the selected
 *       view, what was enabled, and the few transitions a command makes. They return the tagged
 *       response; user errors are NO with a response code, syntax errors BAD, store failures
 *       NO [UNAVAILABLE] with a log line. The session goes on after all of them.</li>
 *   <li>Protocol text is written through {@link dev.letterbox.imap.ImapWriter}'s typed methods;
 *       handlers do not build response syntax by concatenation.</li>
 *   <li>The selected view ({@link dev.letterbox.imap.server.SelectedMailbox}) maps sequence numbers
 *       to UIDs as runs of consecutive UIDs. It grows only when EXISTS is sent and shrinks only when
 *       EXPUNGE/VANISHED is sent, and expunges by other sessions are held back during FETCH, STORE,
 *       SEARCH (and the other commands that name messages by number) — RFC 3501 §7.4.1. The view
 *       is a model without I/O: {@link dev.letterbox.imap.server.ViewUpdates} reads what changed
 *       and writes the responses.</li>
 *   <li>Changes made elsewhere are never pushed from the store's thread: its listener only sets a
 *       flag. The session re-reads what changed (by MODSEQ) after each command, and during IDLE a
 *       short-lived virtual thread does so under the session's lock and writes the updates.</li>
 *   <li>No read transaction is held while writing to a client: large mailboxes are read and
 *       answered a page at a time; message bodies stream from their blobs.</li>
 *   <li>An OK to APPEND (or COPY/MOVE/STORE/EXPUNGE) is written only after the store's write
 *       returned, i.e. after the data is durable.</li>
 *   <li>Everything a session can reach is scoped to its account by the store: a mailbox name of
 *       another account is simply not found, whatever its spelling.</li>
 *   <li>While a session waits in IDLE it holds no line or response buffer, and its view is a few
 *       arrays of runs: idle sessions are cheap.</li>
 * </ul>
 */
package dev.letterbox.imap.server;
