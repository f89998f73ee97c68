package dev.letterbox.store.sql;

import dev.letterbox.config.Config;
import dev.letterbox.store.DurabilityHooks;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.StoreException;
import dev.letterbox.store.blob.FileBlobStore;
import dev.letterbox.store.blob.LargeBlobStore;
import dev.letterbox.store.blob.TempFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Function;

/**
 * Opens the store the configuration names ({@code [store]}): the one place the server and every
 * CLI command get their store from, so both always act on the same data.
 */
public final class StoreFactory {
    private StoreFactory() {}

    /**
     * Opens (creating or migrating as needed) the configured store.
     *
     * @throws StoreException with the reason when it cannot be used: the database is unreachable or
     *         was written by a newer Letterbox, the directory is not writable
     */
    public static MailStore open(Config.Store config, Path dataDir) {
        return switch (config.backend()) {
            case SQLITE -> sqlite(dataDir, config.blobDir(), SqlMailStore.FREED_BLOB_GRACE);
            case POSTGRESQL -> postgresql(config, SqlMailStore.FREED_BLOB_GRACE, SqlBlobStore.INLINE_LIMIT,
                    DatabaseBlobStore.CHUNK_SIZE, indexSnapshots(dataDir));
        };
    }

    static SqlMailStore sqlite(Path dataDir, Path blobDir, Duration freedBlobGrace) {
        DurabilityHooks.Slot hooks = new DurabilityHooks.Slot();
        SqliteConnections connections = null;
        try {
            Files.createDirectories(dataDir);
            FileBlobStore blobs = new FileBlobStore(blobDir, hooks);
            connections = SqliteConnections.open(dataDir.resolve("letterbox.db"));
            return new SqlMailStore(connections, blobs, SqlBlobStore.INLINE_LIMIT, freedBlobGrace, hooks,
                    indexSnapshots(dataDir));
        } catch (IOException | SQLException | RuntimeException e) {
            if (connections != null) {
                connections.writer().close();
                connections.readers().close();
            }
            String why = e instanceof StoreException ? e.getMessage() : e.toString();
            throw new StoreException("cannot open the mail store in " + dataDir + ": " + why, e);
        }
    }

    /**
     * This node's mailbox index snapshots (see {@link IndexSnapshots}): in its data directory, also
     * with PostgreSQL, since they are a per-node cache checked against the shared database.
     */
    static Path indexSnapshots(Path dataDir) {
        return dataDir.resolve("index-cache");
    }

    /** As {@link #open} for PostgreSQL, without index snapshots (tests). */
    static SqlMailStore postgresql(Config.Store config, Duration freedBlobGrace) {
        return postgresql(config, freedBlobGrace, SqlBlobStore.INLINE_LIMIT, DatabaseBlobStore.CHUNK_SIZE, null);
    }

    /**
     * As {@link #postgresql(Config.Store, Duration)} with the sizes that decide where a blob goes made
     * small, so that tests of a few bytes already cover big blobs: {@code inlineLimit} (the biggest
     * blob kept in its row) and, with {@code blobs = "database"}, {@code chunkSize}.
     */
    static SqlMailStore postgresql(Config.Store config, Duration freedBlobGrace, int inlineLimit, int chunkSize) {
        return postgresql(config, freedBlobGrace, inlineLimit, chunkSize, null);
    }

    /** As {@link #open} for PostgreSQL; {@code indexSnapshots}: this node's snapshot directory, or null for none. */
    static SqlMailStore postgresql(Config.Store config, Duration freedBlobGrace, int inlineLimit, int chunkSize,
                                   Path indexSnapshots) {
        DurabilityHooks.Slot hooks = new DurabilityHooks.Slot();
        Function<SessionSource, LargeBlobStore> largeBlobs;
        try {
            largeBlobs = switch (config.blobs()) {
                case FILES -> {
                    FileBlobStore files = new FileBlobStore(config.blobDir(), hooks);
                    yield readers -> files;
                }
                case DATABASE -> {
                    // chunks go through the read pool: each commits on its own, off the writer thread
                    TempFiles scratch = new TempFiles(config.blobDir().resolve("tmp"));
                    yield readers -> new DatabaseBlobStore(readers, scratch, chunkSize);
                }
            };
        } catch (IOException e) {
            throw new StoreException("cannot use the blob directory " + config.blobDir() + ": " + e.getMessage(), e);
        }
        PostgresConnections connections = PostgresConnections.open(config.url().orElseThrow(), config.passwordFile(),
                config.poolSize());
        try {
            return new SqlMailStore(connections, largeBlobs.apply(connections.readers()), inlineLimit, freedBlobGrace, hooks,
                    indexSnapshots);
        } catch (RuntimeException e) {
            connections.writer().close();
            connections.readers().close();
            throw e;
        }
    }
}
