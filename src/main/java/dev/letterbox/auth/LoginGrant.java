package dev.letterbox.auth;

import dev.letterbox.store.LoginProtocol;

/**
 * The credential a session logged in with, kept so that it can be checked again when the account
 * changes: the app password's id, or 0 for the account's password together with the hash it
 * matched (a new password is a new hash). Never printed.
 */
public record LoginGrant(long accountId, long appPasswordId, String passwordHash, LoginProtocol protocol) {
    static LoginGrant password(long accountId, String hash, LoginProtocol protocol) {
        return new LoginGrant(accountId, 0, hash, protocol);
    }

    static LoginGrant appPassword(long accountId, long id, LoginProtocol protocol) {
        return new LoginGrant(accountId, id, "", protocol);
    }

    public boolean viaAppPassword() {
        return appPasswordId != 0;
    }

    @Override
    public String toString() {
        return "LoginGrant[" + accountId + (viaAppPassword() ? ", app password " + appPasswordId : ", password") + ", " + protocol + "]";
    }
}
