package dev.letterbox.imap;

/**
 * A literal too large to hold in memory (an APPEND message), streamed by the reader into storage
 * the session provides. Whoever ends up holding it closes it; closing an unclaimed one discards it.
 */
public interface StoredLiteral extends AutoCloseable {
    long size();

    @Override
    void close();
}
