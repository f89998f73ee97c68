package dev.letterbox.store.sql;

import dev.letterbox.config.Config;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.MailStoreContract;
import dev.letterbox.testing.PostgresServer;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The whole store contract on PostgreSQL with {@code blobs = "database"}. The contract's messages
 * are a few dozen bytes, so the store keeps only blobs of up to {@link #INLINE_LIMIT} bytes in their
 * row and cuts the rest in chunks of {@link #CHUNK_SIZE}: nearly every message of the contract is a
 * big blob of several chunks here, read across chunk boundaries.
 */
class PostgresDatabaseBlobsMailStoreTest implements MailStoreContract {
    static final int INLINE_LIMIT = 8;
    static final int CHUNK_SIZE = 5;

    @TempDir
    Path dir;
    private int stores;

    private final java.util.Map<MailStore, Config.Store> configs = new java.util.IdentityHashMap<>();

    @Override
    public MailStore newStore() {
        Config.Store config = new Config.Store(Config.Store.Backend.POSTGRESQL,
                Optional.of(PostgresServer.shared().newDatabase()), Optional.empty(), 4, Config.Store.Blobs.DATABASE,
                dir.resolve("blobs" + stores++));
        return open(config);
    }

    /** A second node on the same database. */
    @Override
    public MailStore sameDatabase(MailStore store) {
        return open(configs.get(store));
    }

    private MailStore open(Config.Store config) {
        // A short grace for freed blobs, so the contract's "freed blobs are deleted" is quick to see.
        MailStore store = StoreFactory.postgresql(config, Duration.ofMillis(50), INLINE_LIMIT, CHUNK_SIZE);
        configs.put(store, config);
        return store;
    }
}
