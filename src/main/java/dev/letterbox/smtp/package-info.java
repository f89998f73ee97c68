/**
 * The SMTP wire protocol (RFC 5321 with PIPELINING, SIZE, 8BITMIME, SMTPUTF8, ENHANCEDSTATUSCODES,
 * STARTTLS, AUTH, CHUNKING/BINARYMIME and DSN): command lines parsed into sealed records, paths and
 * mailboxes, replies with enhanced status codes, the DATA dot-unstuffing reader. Pure: no store, no
 * sockets; the server ({@code smtp.server}) and the client ({@code smtp.client}) both build on it.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Everything read from a client is bounded: a command line is at most
 *       {@link dev.letterbox.smtp.SmtpParser#MAX_LINE} octets, a path at most 256 (RFC 5321
 *       §4.5.3.1.3), a local part 64, a domain 255, parameters and their values likewise.</li>
 *   <li>Every malformed command becomes a {@link dev.letterbox.smtp.SmtpSyntaxException} carrying
 *       the reply to send (500/501/504/555 with an enhanced code); the session goes on.</li>
 *   <li>{@link dev.letterbox.smtp.DataReader} ends the message only at CRLF "." CRLF. A bare LF
 *       inside the message is a line end (stored as CRLF), but neither it nor a bare CR can end or
 *       split the message (the "SMTP smuggling" class of attacks): a message with a bare CR, or with
 *       a "." line next to a bare LF, is read to its real end and refused, never cut in two.</li>
 *   <li>Reply text never contains CR or LF: the writer cannot be made to emit an extra reply.</li>
 * </ul>
 */
package dev.letterbox.smtp;
