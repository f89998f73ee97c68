/**
 * POP3 sessions over the store: AUTHORIZATION, TRANSACTION and UPDATE states (RFC 1939 §3).
 *
 * <p>Invariants: the maildrop is a snapshot of INBOX taken at login, numbered 1..n by ascending UID;
 * DELE only marks, and marked messages are expunged in one durable store write when QUIT is given in
 * TRANSACTION state — "+OK" is sent only after that commit; a connection that drops without QUIT
 * deletes nothing. One account has at most one POP3 session at a time across all nodes on the
 * database ([IN-USE]): a lock in the store, renewed while the session lives, expiring a couple of
 * minutes after a node died holding it (see {@link dev.letterbox.pop3.server.Pop3Locks}).
 */
package dev.letterbox.pop3.server;
