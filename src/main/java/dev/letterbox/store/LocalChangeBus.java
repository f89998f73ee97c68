package dev.letterbox.store;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The in-process {@link ChangeBus}: a copy-on-write list of listeners per account, so publishing
 * (frequent, from the store's writer) takes no lock and subscribing (once per session) pays the copy.
 * A listener that throws is logged and skipped; it cannot stop the others or the publisher.
 */
public final class LocalChangeBus implements ChangeBus {
    private static final System.Logger LOG = System.getLogger("letterbox.store");

    private final Map<Long, List<Consumer<Change>>> listeners = new ConcurrentHashMap<>();

    @Override
    public Subscription subscribe(long accountId, Consumer<Change> listener) {
        // Add inside compute(): atomic with the removal in close(), which may drop the list.
        listeners.compute(accountId, (id, list) -> {
            List<Consumer<Change>> result = list == null ? new CopyOnWriteArrayList<>() : list;
            result.add(listener);
            return result;
        });
        return new Subscription() {
            private volatile boolean closed;

            @Override
            public void close() {
                if (closed) return;
                closed = true;
                // Drop the account's entry with its last listener, atomically (see subscribe).
                listeners.computeIfPresent(accountId, (id, list) -> {
                    list.remove(listener);
                    return list.isEmpty() ? null : list;
                });
            }
        };
    }

    @Override
    public void publish(Change change) {
        List<Consumer<Change>> list = listeners.get(change.accountId());
        if (list == null) return;
        for (Consumer<Change> listener : list) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "change listener failed on " + change, e);
            }
        }
    }

    /** The accounts someone is listening to now. */
    public java.util.Set<Long> accounts() {
        return java.util.Set.copyOf(listeners.keySet());
    }

    /** How many listeners the account has (for tests and metrics). */
    public int listenerCount(long accountId) {
        List<Consumer<Change>> list = listeners.get(accountId);
        return list == null ? 0 : list.size();
    }
}
