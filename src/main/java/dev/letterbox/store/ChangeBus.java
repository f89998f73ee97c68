package dev.letterbox.store;

import java.util.function.Consumer;

/**
 * Per-account publish/subscribe of committed changes. Listeners run on the publishing thread and
 * must only record or signal (set a flag, unpark, offer to a queue); never block or do I/O there.
 */
public interface ChangeBus {
    /** Delivers every later change of {@code accountId} to {@code listener} until the subscription closes. */
    Subscription subscribe(long accountId, Consumer<Change> listener);

    void publish(Change change);

    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
