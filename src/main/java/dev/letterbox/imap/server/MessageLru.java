package dev.letterbox.imap.server;

import java.util.LinkedHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;

/**
 * What this node remembers per message of a mailbox, least recently used first out, bounded by an
 * estimate of the bytes held ({@code weight} of a value plus a map entry's own cost). Keyed by mailbox
 * id, UIDVALIDITY and UID: a message at a UID never changes, UIDs are never reused, and a UIDVALIDITY
 * is never handed out twice in a store, so an entry cannot go stale; an expunged message's entry just
 * ages out. Shared by every session; operations are short map operations under one lock.
 */
final class MessageLru<V> {
    /** A map entry with its key record, roughly, on a 64-bit JVM. */
    private static final int ENTRY_OVERHEAD = 96;

    private record Key(long mailboxId, long uidValidity, long uid) {}

    private final long budget;
    private final ToLongFunction<V> weight;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Key, V> map = new LinkedHashMap<>(1024, 0.75f, true);
    private long held; // guarded by lock

    MessageLru(long budgetBytes, ToLongFunction<V> weight) {
        this.budget = budgetBytes;
        this.weight = weight;
    }

    /** {@code heapFraction} of the heap the JVM may grow to, at least {@code min} and at most {@code max} bytes. */
    static long budget(int heapFraction, long min, long max) {
        return Math.clamp(Runtime.getRuntime().maxMemory() / heapFraction, min, max);
    }

    /** The values of the view's messages {@code uids}, in that order; null where none is kept. */
    V[] get(SelectedMailbox view, long[] uids, V[] out) {
        lock.lock();
        try {
            for (int i = 0; i < uids.length; i++) out[i] = map.get(new Key(view.id, view.uidValidity, uids[i]));
        } finally {
            lock.unlock();
        }
        return out;
    }

    /** Keeps the values (null ones are skipped) of the view's messages, then drops the least recently used past the budget. */
    void put(SelectedMailbox view, long[] uids, V[] values) {
        put(view.id, view.uidValidity, uids, values);
    }

    /** {@link #put(SelectedMailbox, long[], Object[])} for messages of a mailbox not selected here. */
    void put(long mailboxId, long uidValidity, long[] uids, V[] values) {
        lock.lock();
        try {
            for (int i = 0; i < uids.length; i++) {
                if (values[i] == null) continue;
                V old = map.put(new Key(mailboxId, uidValidity, uids[i]), values[i]);
                if (old != null) held -= ENTRY_OVERHEAD + weight.applyAsLong(old);
                held += ENTRY_OVERHEAD + weight.applyAsLong(values[i]);
            }
            var it = map.values().iterator();
            while (held > budget && it.hasNext()) {
                held -= ENTRY_OVERHEAD + weight.applyAsLong(it.next());
                it.remove();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Entries and estimated bytes held now (tests, diagnostics). */
    long[] sizeAndBytes() {
        lock.lock();
        try {
            return new long[] {map.size(), held};
        } finally {
            lock.unlock();
        }
    }
}
