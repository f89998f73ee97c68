/**
 * The ManageSieve wire protocol (RFC 5804): commands read from lines and literals into sealed
 * records, and the typed response writer (OK/NO/BYE with response codes, quoted strings and
 * literals). Pure: no store, no sockets.
 *
 * <p>Invariants: a command line is at most {@link dev.letterbox.managesieve.CommandReader#MAX_LINE}
 * octets and a quoted string at most 1024 (RFC 5804 §4); a literal is at most the reader's limit,
 * and one beyond it is read and thrown away (up to a hard bound, past which the session must end)
 * so the session stays in step with the client. Every malformed command becomes a
 * {@link dev.letterbox.managesieve.SieveSyntaxException} whose message is fit to send in a NO.
 * Script checking is behind {@link dev.letterbox.managesieve.ScriptChecker}, so the Sieve compiler
 * plugs in without this package knowing it.
 */
package dev.letterbox.managesieve;
