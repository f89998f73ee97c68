package dev.letterbox.store.sql;

import dev.letterbox.config.Config;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.MailStoreContract;
import dev.letterbox.testing.PostgresServer;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The whole store contract on PostgreSQL: a fresh database of the tests' shared cluster per store. */
class PostgresMailStoreTest implements MailStoreContract {
    @TempDir
    Path dir;
    private int stores;

    @Override
    public MailStore newStore() {
        Config.Store config = new Config.Store(Config.Store.Backend.POSTGRESQL,
                Optional.of(PostgresServer.shared().newDatabase()), Optional.empty(), 4, Config.Store.Blobs.FILES,
                dir.resolve("blobs" + stores++));
        // A short grace for freed blob files, so the contract's "freed blobs are deleted" is quick to see.
        return StoreFactory.postgresql(config, Duration.ofMillis(50));
    }
}
