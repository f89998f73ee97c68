/**
 * The POP3 wire protocol (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 SASL): command lines
 * parsed into sealed records, and the reply syntax. Pure: no store, no sockets.
 *
 * <p>Invariants: a command line is at most {@link dev.letterbox.pop3.Pop3Parser#MAX_LINE} octets
 * (RFC 2449 §4); every malformed line becomes a {@link dev.letterbox.pop3.Pop3SyntaxException}
 * whose message is fit to send after "-ERR ".
 */
package dev.letterbox.pop3;
