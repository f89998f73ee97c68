package dev.letterbox.store;

/**
 * A queue write was refused because the message's lease is no longer the writer's: it ran out and
 * another node claimed the message (or the lease was taken back). Nothing of the write was applied.
 * The attempt it would have recorded did happen; the message's new holder decides its fate, so a
 * recipient reached by both may get the message twice (delivery stays at least once).
 */
public final class LeaseLostException extends RuntimeException {
    public LeaseLostException(long messageId, String node) {
        super("queued message " + messageId + " is no longer leased to " + node);
    }
}
