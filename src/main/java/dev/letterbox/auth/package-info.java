/**
 * Who may log in and where mail for an address goes: the directory service over the store's
 * domains, accounts and aliases, password hashing, SASL decoding and login throttling.
 *
 * <p>Invariants: passwords exist in memory only as long as a check takes and are never logged;
 * stored hashes are Argon2id; a failed login costs the same time whether or not the account
 * exists; every write path (CLI, admin API) goes through {@link dev.letterbox.auth.Directory}, so
 * validation is the same everywhere; every protocol checks a password through
 * {@link dev.letterbox.auth.LoginGuard}, so the failed-login limits of
 * {@link dev.letterbox.auth.LoginThrottle} are the same for IMAP, POP3 and SMTP, and a check it
 * admits is always ended (success, failure or neither) so the per-account count never leaks;
 * its failure counts are the store's, shared by every node.
 * A password hash never runs on a session's (virtual) thread: {@link dev.letterbox.auth.PasswordHasher}
 * computes on its own platform threads, one fewer than the cores, so guesses cannot stall sessions.
 *
 * <p>An account's credentials are its password and its app passwords (see {@code Credentials}); all
 * share one SCRAM salt, so a SCRAM proof ({@link dev.letterbox.auth.ScramExchange}, the one SASL
 * exchange every protocol drives through {@link dev.letterbox.auth.LoginGuard#authenticate}) is
 * checked against each. A logged-in session holds a {@link dev.letterbox.auth.LoginWatch}: every
 * account change is announced after commit on every node, and the session's next command re-checks
 * its credential then, so a revoked one ends the session.
 */
package dev.letterbox.auth;
