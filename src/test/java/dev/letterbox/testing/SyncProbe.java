package dev.letterbox.testing;

import dev.letterbox.store.DurabilityHooks;
import dev.letterbox.store.sql.SqlMailStore;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts a store's fsyncs by kind and makes chosen ones fail as a full disk would ("No space left on
 * device"). Install with {@link #installIn}; one probe per store.
 */
public final class SyncProbe implements DurabilityHooks {
    private final Map<Sync, AtomicLong> done = new EnumMap<>(Sync.class);
    private final Map<Sync, AtomicInteger> toSkip = new EnumMap<>(Sync.class);
    private final Map<Sync, AtomicInteger> toFail = new EnumMap<>(Sync.class);

    public SyncProbe() {
        for (Sync s : Sync.values()) {
            done.put(s, new AtomicLong());
            toSkip.put(s, new AtomicInteger());
            toFail.put(s, new AtomicInteger());
        }
    }

    /** A probe installed in the store of {@code server}. */
    public static SyncProbe installIn(TestServer server) {
        return installIn((SqlMailStore) server.server().store());
    }

    public static SyncProbe installIn(SqlMailStore store) {
        SyncProbe probe = new SyncProbe();
        store.installDurabilityHooks(probe);
        return probe;
    }

    /** Successful syncs of this kind so far. */
    public long count(Sync what) {
        return done.get(what).get();
    }

    /** Every sync of this kind fails from now on, until {@link #heal}. */
    public SyncProbe failing(Sync what) {
        return failing(what, 0, Integer.MAX_VALUE);
    }

    /** After {@code skip} more syncs of this kind succeed, the next {@code times} fail. */
    public SyncProbe failing(Sync what, int skip, int times) {
        toSkip.get(what).set(skip);
        toFail.get(what).set(times);
        return this;
    }

    /** No sync fails any more. */
    public void heal() {
        for (Sync s : Sync.values()) toFail.get(s).set(0);
    }

    @Override
    public void beforeSync(Sync what) throws IOException {
        if (toFail.get(what).get() <= 0) return;
        if (toSkip.get(what).getAndUpdate(n -> Math.max(0, n - 1)) > 0) return;
        if (toFail.get(what).getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IOException("No space left on device (injected at " + what + ")");
        }
    }

    @Override
    public void synced(Sync what) {
        done.get(what).incrementAndGet();
    }
}
