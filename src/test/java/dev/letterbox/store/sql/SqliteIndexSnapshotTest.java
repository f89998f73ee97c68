package dev.letterbox.store.sql;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

/** Index snapshots on SQLite: in the data directory, next to the database. */
class SqliteIndexSnapshotTest implements IndexSnapshotContract {
    @TempDir
    Path dir;

    @Override
    public SqlMailStore newStore() {
        return reopen(null);
    }

    @Override
    public SqlMailStore reopen(SqlMailStore store) {
        SqlMailStore opened = SqlMailStore.openSqlite(dir.resolve("data"), Duration.ofMillis(50));
        opened.indexSnapshotsFrom(0);
        return opened;
    }

    @Override
    public Path snapshots() {
        return StoreFactory.indexSnapshots(dir.resolve("data"));
    }
}
