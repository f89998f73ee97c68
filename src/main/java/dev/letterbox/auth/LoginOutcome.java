package dev.letterbox.auth;

import dev.letterbox.store.Account;

/**
 * What {@link LoginGuard#login} decided, for a session to say in its protocol's words. Only
 * {@link LoggedIn} lets the client in; the two refusals came without any password check.
 */
public sealed interface LoginOutcome {
    /**
     * In. {@code watch} tells the session when the credential stops counting (revoked, changed,
     * account disabled); the session closes it when it ends. {@code serverSignature}: for SCRAM.
     */
    record LoggedIn(Account account, LoginWatch watch, byte[] serverSignature) implements LoginOutcome {}

    /** Unknown user or wrong password (deliberately the same); the failure delay is already waited out. */
    record BadCredentials() implements LoginOutcome {}

    record AccountDisabled(Account account) implements LoginOutcome {}

    record ProtocolDisabled(Account account) implements LoginOutcome {}

    /** The account's own password for a mail protocol, where only app passwords are accepted. */
    record AppPasswordRequired(Account account) implements LoginOutcome {}

    /** Too many failed logins from this client: refused for a while, whatever the password. */
    record ClientBlocked() implements LoginOutcome {}

    /** Too many failed logins at this account from everywhere: its queue is full, try again shortly. */
    record AccountBusy() implements LoginOutcome {}
}
