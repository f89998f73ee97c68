package dev.letterbox.auth;

import dev.letterbox.store.Account;

/** The outcome of a login attempt. Reasons other than bad credentials are only given for a right password. */
public sealed interface AuthResult {
    /** {@code serverSignature}: SCRAM's proof of the server (RFC 5802 §3), empty for a password login. */
    record Success(Account account, LoginGrant grant, byte[] serverSignature) implements AuthResult {}

    /** Unknown user or wrong password: deliberately indistinguishable. */
    record BadCredentials() implements AuthResult {}

    record AccountDisabled(Account account) implements AuthResult {}

    /** The account is disabled for this protocol, or the app password used is not allowed for it. */
    record ProtocolDisabled(Account account) implements AuthResult {}

    /** The account's password was right, but the account takes only app passwords for mail protocols. */
    record AppPasswordRequired(Account account) implements AuthResult {}
}
