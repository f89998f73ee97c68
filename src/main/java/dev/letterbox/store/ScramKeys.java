package dev.letterbox.store;

/**
 * One credential's SCRAM-SHA-256 keys (RFC 5802 §3): StoredKey = H(ClientKey) and ServerKey. They
 * let the server check a client's proof and prove itself, but not log in as the user.
 */
public record ScramKeys(byte[] storedKey, byte[] serverKey) {
    @Override
    public String toString() {
        return "ScramKeys[...]"; // never in a log line
    }
}
