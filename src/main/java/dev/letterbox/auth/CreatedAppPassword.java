package dev.letterbox.auth;

import dev.letterbox.store.AppPassword;

/** A new app password with its secret, which exists only in this answer (shown once, then only its hash is kept). */
public record CreatedAppPassword(AppPassword appPassword, String secret) {
    @Override
    public String toString() {
        return "CreatedAppPassword[" + appPassword + "]";
    }
}
