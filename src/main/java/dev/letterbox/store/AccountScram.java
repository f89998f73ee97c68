package dev.letterbox.store;

import java.util.Optional;

/**
 * An account's SCRAM salt and iteration count, shared by its password and all its app passwords
 * (the server names them before it knows which credential the client holds), and the password's
 * keys; {@code password} is empty until derived from the password (set, or logged in with, since).
 */
public record AccountScram(byte[] salt, int iterations, Optional<ScramKeys> password) {
    @Override
    public String toString() {
        return "AccountScram[iterations=" + iterations + ", password keys " + (password.isPresent() ? "present" : "absent") + "]";
    }
}
