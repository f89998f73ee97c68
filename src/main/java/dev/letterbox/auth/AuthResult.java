package dev.letterbox.auth;

import dev.letterbox.store.Account;

/** The outcome of a login attempt. Reasons other than bad credentials are only given for a right password. */
public sealed interface AuthResult {
    record Success(Account account) implements AuthResult {}

    /** Unknown user or wrong password: deliberately indistinguishable. */
    record BadCredentials() implements AuthResult {}

    record AccountDisabled(Account account) implements AuthResult {}

    record ProtocolDisabled(Account account) implements AuthResult {}
}
