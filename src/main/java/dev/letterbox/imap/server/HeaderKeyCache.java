package dev.letterbox.imap.server;

import dev.letterbox.message.HeaderKeys;
import dev.letterbox.message.MessageStructure;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This node's memory of messages' {@link HeaderKeys}, shared by every session, least recently used
 * first out, bounded by an estimate of the bytes held. So that SORT and SEARCH FROM/SUBJECT/... over a
 * mailbox are answered from the mailbox's index and this cache, without reading a row, a structure or
 * a header per message per command (they did, and cost 3–7× Dovecot's CPU, which reads its cache file).
 *
 * <p>Keyed by mailbox id, UIDVALIDITY and UID: a message at a UID never changes, UIDs are never
 * reused, and a UIDVALIDITY is never handed out twice in a store, so an entry cannot go stale; an
 * expunged message's entry just ages out. Lookups are short map operations under one lock.
 */
final class HeaderKeyCache {
    /** Messages read from the store per query on a miss. */
    private static final int PAGE = 200;
    /** A map entry with its key record, roughly, on a 64-bit JVM. */
    private static final int ENTRY_OVERHEAD = 96;

    private record Key(long mailboxId, long uidValidity, long uid) {}

    private final long budget;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Key, HeaderKeys> map = new LinkedHashMap<>(1024, 0.75f, true);
    private long held; // guarded by lock

    HeaderKeyCache(long budgetBytes) {
        this.budget = budgetBytes;
    }

    /**
     * A thirty-second of the heap the JVM may grow to, between 2 and 64 MiB: 32 MiB (some 25,000
     * messages at ~1.3 KiB each) with the 1 GiB the benches give the server.
     */
    static long defaultBudget() {
        return Math.clamp(Runtime.getRuntime().maxMemory() / 32, 2L << 20, 64L << 20);
    }

    /**
     * The keys of the view's messages {@code uids} (ascending), in that order; null for a message that
     * no longer exists. Misses are read from the store a page at a time (row and stored structure in one
     * query, the header from the blob) and kept.
     */
    HeaderKeys[] of(ImapSession s, SelectedMailbox view, long[] uids) throws IOException {
        HeaderKeys[] out = new HeaderKeys[uids.length];
        long[] missing = new long[uids.length];
        int[] missingAt = new int[uids.length];
        int misses = 0;
        lock.lock();
        try {
            for (int i = 0; i < uids.length; i++) {
                out[i] = map.get(new Key(view.id, view.uidValidity, uids[i]));
                if (out[i] == null) {
                    missingAt[misses] = i;
                    missing[misses++] = uids[i];
                }
            }
        } finally {
            lock.unlock();
        }
        for (int from = 0; from < misses; from += PAGE) {
            long[] page = Arrays.copyOfRange(missing, from, Math.min(misses, from + PAGE));
            List<StoredMessage> rows = s.service.store.readOne(view.ownerId, tx -> tx.messages(view.id, page, true));
            List<HeaderKeys> loaded = load(s.service.store.blobs(), rows);
            keep(view, rows, loaded);
            int k = from;
            for (int r = 0; r < rows.size(); r++) {
                long uid = rows.get(r).meta().uid();
                while (k < misses && missing[k] < uid) k++; // rows come ascending; absent UIDs stay null
                if (k < misses && missing[k] == uid) out[missingAt[k]] = loaded.get(r);
            }
        }
        return out;
    }

    /** The keys of these rows, kept; a null entry for a message whose bytes are gone. */
    private List<HeaderKeys> load(BlobStore blobs, List<StoredMessage> rows) throws IOException {
        List<HeaderKeys> out = new ArrayList<>(rows.size());
        for (StoredMessage row : rows) {
            HeaderKeys keys;
            try {
                MessageStructure structure = Structures.decode(row.structure());
                if (structure == null) structure = Structures.parse(blobs, row.meta().blob());
                try (InputStream in = blobs.open(row.meta().blob())) {
                    keys = HeaderKeys.of(structure, in);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                keys = null; // expunged elsewhere and its bytes already deleted
            }
            out.add(keys);
        }
        return out;
    }

    /** Keeps what {@link #load} made of the view's rows, then drops the least recently used past the budget. */
    private void keep(SelectedMailbox view, List<StoredMessage> rows, List<HeaderKeys> keys) {
        lock.lock();
        try {
            for (int i = 0; i < rows.size(); i++) {
                HeaderKeys k = keys.get(i);
                if (k == null) continue;
                HeaderKeys old = map.put(new Key(view.id, view.uidValidity, rows.get(i).meta().uid()), k);
                if (old != null) held -= ENTRY_OVERHEAD + old.estimatedBytes();
                held += ENTRY_OVERHEAD + k.estimatedBytes();
            }
            var it = map.values().iterator();
            while (held > budget && it.hasNext()) {
                held -= ENTRY_OVERHEAD + it.next().estimatedBytes();
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
