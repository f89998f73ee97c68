package dev.letterbox.imap.server;

/**
 * A message the client named was expunged by another session (its row or its blob is gone) while
 * it still has a sequence number here. RFC 2180 §4.1: answered with NO [EXPUNGEISSUED], never BAD.
 */
final class MessageGoneException extends RuntimeException {
    MessageGoneException() {
        super("message expunged by another session", null, false, false);
    }
}
