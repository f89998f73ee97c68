package dev.letterbox.sieve;

/** A run-time error (RFC 5228 §2.10.6): the run ends and the message is kept in INBOX. */
final class SieveRuntimeException extends RuntimeException {
    SieveRuntimeException(int line, String reason) {
        super("line " + line + ": " + reason, null, false, false);
    }
}
