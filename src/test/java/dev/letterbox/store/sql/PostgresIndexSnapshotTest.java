package dev.letterbox.store.sql;

import dev.letterbox.config.Config;
import dev.letterbox.testing.PostgresServer;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Index snapshots on PostgreSQL: a node's own directory, checked against the shared database. */
class PostgresIndexSnapshotTest implements IndexSnapshotContract {
    @TempDir
    Path dir;
    private Config.Store config;

    @Override
    public SqlMailStore newStore() {
        config = new Config.Store(Config.Store.Backend.POSTGRESQL, Optional.of(PostgresServer.shared().newDatabase()),
                Optional.empty(), 4, Config.Store.Blobs.FILES, dir.resolve("blobs"));
        return reopen(null);
    }

    @Override
    public SqlMailStore reopen(SqlMailStore store) {
        SqlMailStore opened = StoreFactory.postgresql(config, Duration.ofMillis(50), SqlBlobStore.INLINE_LIMIT,
                DatabaseBlobStore.CHUNK_SIZE, snapshots());
        opened.indexSnapshotsFrom(0);
        return opened;
    }

    @Override
    public Path snapshots() {
        return dir.resolve("node-a/index-cache");
    }
}
