/**
 * Who may log in and where mail for an address goes: the directory service over the store's
 * domains, accounts and aliases, password hashing, SASL decoding and login throttling.
 *
 * <p>Invariants: passwords exist in memory only as long as a check takes and are never logged;
 * stored hashes are Argon2id; a failed login costs the same time whether or not the account
 * exists; every write path (CLI, admin API) goes through {@link dev.letterbox.auth.Directory}, so
 * validation is the same everywhere.
 */
package dev.letterbox.auth;
