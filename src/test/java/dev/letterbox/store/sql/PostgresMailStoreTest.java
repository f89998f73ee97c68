package dev.letterbox.store.sql;

import dev.letterbox.config.Config;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.MailStoreContract;
import dev.letterbox.testing.PostgresServer;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/** The whole store contract on PostgreSQL: a fresh database of the tests' shared cluster per store. */
class PostgresMailStoreTest implements MailStoreContract {
    @TempDir
    Path dir;
    private int stores;
    private final Map<MailStore, Config.Store> configs = new IdentityHashMap<>();

    @Override
    public MailStore newStore() {
        Config.Store config = new Config.Store(Config.Store.Backend.POSTGRESQL,
                Optional.of(PostgresServer.shared().newDatabase()), Optional.empty(), 4, Config.Store.Blobs.FILES,
                dir.resolve("blobs" + stores++));
        return open(config);
    }

    /** A second store on the same database and blob directory: a second node. */
    @Override
    public MailStore sameDatabase(MailStore store) {
        return open(configs.get(store));
    }

    private MailStore open(Config.Store config) {
        // A short grace for freed blob files, so the contract's "freed blobs are deleted" is quick to see.
        MailStore store = StoreFactory.postgresql(config, Duration.ofMillis(50));
        configs.put(store, config);
        return store;
    }
}
