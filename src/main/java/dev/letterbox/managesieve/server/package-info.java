/**
 * ManageSieve sessions (RFC 5804) over the store's {@link dev.letterbox.store.SieveScripts}: the
 * non-authenticated state (STARTTLS, AUTHENTICATE PLAIN, CAPABILITY, NOOP, LOGOUT) and the
 * authenticated one (the script commands, UNAUTHENTICATE).
 *
 * <p>Invariants: logins go through the same {@link dev.letterbox.auth.LoginGuard} as IMAP's, with
 * the account's IMAP switch (scripts are part of the mailbox service), and a password is taken
 * before TLS only from loopback when {@code [imap] plaintext_auth_on_loopback} allows it. A script is
 * stored only after its size, its UTF-8 and the {@link dev.letterbox.managesieve.ScriptChecker}
 * passed, and "OK" is sent only once the store committed it durably. A bad command gets NO and the
 * session goes on; the tenth gets BYE and the connection closes.
 */
package dev.letterbox.managesieve.server;
