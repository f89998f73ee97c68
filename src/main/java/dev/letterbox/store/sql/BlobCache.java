package dev.letterbox.store.sql;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This node's memory of immutable blob data, least recently used first out, bounded by bytes: the
 * parsed-once structures and the bytes of small (inline) blobs, by blob id. A blob id names one
 * unchanging sequence of bytes for ever (ids are random and never reused), so an entry can never
 * be stale: no invalidation, on any node. An entry may outlive its blob's last reference; only a
 * caller that got the id from a message row it was allowed to read asks for it.
 *
 * <p>Why: FETCH of ENVELOPE, BODYSTRUCTURE or a header section needs the structure and often the
 * bytes of every message it names, and clients fetch the same (new) messages again and again. On a
 * networked database each read was a round trip and the database's CPU; on SQLite a JNI call and
 * a copy. A hit is a map look-up.
 *
 * <p>Budget: {@link #defaultBudget()} bytes, an eighth of it at most for one entry (counting the
 * array and the id); a quarter of the budget goes to structures, the rest to bytes.
 */
final class BlobCache {
    /** What a structure look-up answers for a blob stored without one (it is parsed again). */
    static final byte[] NO_STRUCTURE = new byte[0];
    /** A map entry, its key and a byte array's header, roughly, on a 64-bit JVM. */
    private static final int OVERHEAD = 120;

    private final Lru structures;
    private final Lru contents;

    BlobCache(long budgetBytes) {
        this.structures = new Lru(budgetBytes / 4);
        this.contents = new Lru(budgetBytes - budgetBytes / 4);
    }

    /**
     * A sixteenth of the heap the JVM may grow to, between 4 and 128 MiB: 64 MiB with the 1 GiB the
     * benches give the server. Enough for the messages a few hundred sessions read over and over;
     * the heap's bulk stays for the mailbox indexes (28 bytes a message) and the connections.
     */
    static long defaultBudget() {
        return Math.clamp(Runtime.getRuntime().maxMemory() / 16, 4L << 20, 128L << 20);
    }

    /** The stored structure, {@link #NO_STRUCTURE} when the blob has none, null when not known here. */
    byte[] structure(String blobId) {
        return structures.get(blobId);
    }

    /** Remembers a blob's structure; null: it has none. */
    void putStructure(String blobId, byte[] structure) {
        structures.put(blobId, structure == null ? NO_STRUCTURE : structure);
    }

    /** A small blob's bytes, or null when not known here. The array is shared: never write to it. */
    byte[] content(String blobId) {
        return contents.get(blobId);
    }

    void putContent(String blobId, byte[] content) {
        contents.put(blobId, content);
    }

    /** Bytes held now, structures and contents (tests). */
    long bytesHeld() {
        return structures.bytesHeld() + contents.bytesHeld();
    }

    /** Hits and misses so far, structures and contents together (tests, diagnostics). */
    long[] hitsAndMisses() {
        long[] a = structures.hitsAndMisses(), b = contents.hitsAndMisses();
        return new long[] {a[0] + b[0], a[1] + b[1]};
    }

    /** A map in access order that drops its eldest entries past its byte budget. One lock: look-ups are short. */
    private static final class Lru {
        private final long budget;
        private final long maxEntry;
        private final ReentrantLock lock = new ReentrantLock();
        private final LinkedHashMap<String, byte[]> map = new LinkedHashMap<>(256, 0.75f, true);
        private long held;
        private long hits, misses; // guarded by lock

        Lru(long budget) {
            this.budget = budget;
            this.maxEntry = budget / 8;
        }

        byte[] get(String key) {
            lock.lock();
            try {
                byte[] v = map.get(key);
                if (v == null) misses++;
                else hits++;
                return v;
            } finally {
                lock.unlock();
            }
        }

        void put(String key, byte[] value) {
            long cost = cost(key, value);
            if (cost > maxEntry) return;
            lock.lock();
            try {
                byte[] old = map.put(key, value);
                if (old != null) held -= cost(key, old);
                held += cost;
                var it = map.entrySet().iterator();
                while (held > budget && it.hasNext()) {
                    Map.Entry<String, byte[]> eldest = it.next();
                    held -= cost(eldest.getKey(), eldest.getValue());
                    it.remove();
                }
            } finally {
                lock.unlock();
            }
        }

        long bytesHeld() {
            lock.lock();
            try {
                return held;
            } finally {
                lock.unlock();
            }
        }

        long[] hitsAndMisses() {
            lock.lock();
            try {
                return new long[] {hits, misses};
            } finally {
                lock.unlock();
            }
        }

        private static long cost(String key, byte[] value) {
            return OVERHEAD + 2L * key.length() + value.length;
        }
    }
}
