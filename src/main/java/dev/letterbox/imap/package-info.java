/**
 * The IMAP wire protocol (RFC 3501 IMAP4rev1, RFC 9051 IMAP4rev2 and the extensions Letterbox
 * offers), with no store, network or session state: bytes in, typed commands out; typed responses
 * in, bytes out.
 *
 * <ul>
 *   <li>{@link dev.letterbox.imap.ImapReader} returns one complete command with its literals. Every
 *       read is bounded (line length, command size, literal size); a literal too large for memory is
 *       streamed to a sink the session provides, never held whole. A refused synchronising literal
 *       is refused before the client is asked to send it.</li>
 *   <li>{@link dev.letterbox.imap.ImapParser} turns it into a sealed
 *       {@link dev.letterbox.imap.ImapCommand} record or throws
 *       {@link dev.letterbox.imap.ImapSyntaxException} naming the problem (answered with BAD; the
 *       session goes on). Lists and search-key nesting are bounded.</li>
 *   <li>{@link dev.letterbox.imap.ImapWriter} is the only place protocol text is assembled: it
 *       decides quoting versus literals and encodes mailbox names.</li>
 * </ul>
 * Mailbox names inside this package's records are always Unicode; the wire encoding (modified
 * UTF-7, or UTF-8 after ENABLE) is applied only at the edges, by the parser and the writer.
 */
package dev.letterbox.imap;
