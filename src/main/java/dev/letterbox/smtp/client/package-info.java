/**
 * A small, real SMTP client over blocking sockets: EHLO, STARTTLS, AUTH PLAIN, MAIL/RCPT/DATA with
 * PIPELINING (RFC 2920), BDAT (RFC 3030), multi-line replies with enhanced status codes. Used by the
 * tests and by the outbound relay.
 *
 * <p>Invariants: every read is bounded (reply lines, lines per reply) and times out; message data
 * is sent with CRLF line endings, dot-stuffed (RFC 5321 §4.5.2) and ended with CRLF "." CRLF, so no
 * content can end the message early; one client is one connection, used by one thread.
 */
package dev.letterbox.smtp.client;
