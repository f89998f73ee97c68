package dev.letterbox.testing;

import dev.letterbox.store.DurabilityHooks;
import dev.letterbox.store.sql.SqlMailStore;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Counts a store's fsyncs by kind and makes chosen ones fail as a full disk would ("No space left on
 * device"). Install with {@link #installIn}, or register {@link #on(TestServer)} as an extension:
 * it installs itself before each test (the server has started by then) and heals after it. One
 * probe per store.
 */
public final class SyncProbe implements DurabilityHooks, BeforeEachCallback, AfterEachCallback {
    private final Map<Sync, AtomicLong> done = new EnumMap<>(Sync.class);
    private final Map<Sync, AtomicInteger> toSkip = new EnumMap<>(Sync.class);
    private final Map<Sync, AtomicInteger> toFail = new EnumMap<>(Sync.class);
    private final TestServer server; // null unless registered as an extension

    private SyncProbe(TestServer server) {
        this.server = server;
        for (Sync s : Sync.values()) {
            done.put(s, new AtomicLong());
            toSkip.put(s, new AtomicInteger());
            toFail.put(s, new AtomicInteger());
        }
    }

    /** A probe for {@code server}'s store, as a JUnit extension (the server is started by then). */
    public static SyncProbe on(TestServer server) {
        return new SyncProbe(server);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        ((SqlMailStore) server.server().store()).installDurabilityHooks(this); // again each time: same probe
    }

    @Override
    public void afterEach(ExtensionContext context) {
        heal();
    }

    /** A probe installed in {@code store} now. */
    public static SyncProbe installIn(SqlMailStore store) {
        SyncProbe probe = new SyncProbe(null);
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
