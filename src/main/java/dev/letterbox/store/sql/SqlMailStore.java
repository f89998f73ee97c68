package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.ChangeBus;
import dev.letterbox.store.DirectoryStore;
import dev.letterbox.store.DmarcReportStore;
import dev.letterbox.store.LocalChangeBus;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.OutboundQueue;
import dev.letterbox.store.ReadTx;
import dev.letterbox.store.StoreException;
import dev.letterbox.store.WriteTx;
import dev.letterbox.store.blob.FileBlobStore;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The embedded mail store: a relational database (SQLite today) plus blob files.
 *
 * <p>Lifecycle: {@link #openSqlite} migrates the schema, starts the writer thread, the change-feed
 * poller and a background sweep of orphaned blob files; {@link #close} lets queued writes finish,
 * then stops everything. Several processes may open the same data directory at once (the server and
 * CLI commands): SQLite serialises their writes, and each announces the others' changes.
 */
public final class SqlMailStore implements MailStore {
    private static final System.Logger LOG = System.getLogger("letterbox.store");
    /** Read connections: enough for the two cores' worth of concurrent SQLite work, few enough to stay cheap. */
    private static final int READ_CONNECTIONS = 4;
    /** How long a writer waits for another process's write lock before giving up (SQLITE_BUSY). */
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    /** Blob files younger than this are never swept: a delivery may be about to refer to them. */
    private static final Duration ORPHAN_AGE = Duration.ofHours(1);
    /** How long a freed blob's file outlives its last reference (see GroupCommitWriter). */
    private static final Duration FREED_BLOB_GRACE = Duration.ofSeconds(10);

    private final Dialect dialect;
    private final SqlBlobStore blobs;
    private final LocalChangeBus bus = new LocalChangeBus();
    private final String node = UUID.randomUUID().toString();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SqlSession writeSession;
    private final ReadPool reads;
    private final GroupCommitWriter writer;
    private final SqlDirectory directory;
    private final SqlOutboundQueue queue;
    private final SqlDmarcReports dmarcReports;
    private final ChangeFeed feed;
    private final Thread sweeper;

    private SqlMailStore(Dialect dialect, FileBlobStore blobs, SqlSession writeSession, List<SqlSession> readSessions,
                         Duration freedBlobGrace) {
        this.dialect = dialect;
        this.writeSession = writeSession;
        this.reads = new ReadPool(dialect, readSessions);
        this.blobs = new SqlBlobStore(blobs, reads);
        this.writer = new GroupCommitWriter(writeSession, dialect, node, bus, this.blobs, freedBlobGrace);
        this.directory = new SqlDirectory(reads, writer);
        this.queue = new SqlOutboundQueue(reads, writer, this.blobs);
        this.dmarcReports = new SqlDmarcReports(reads, writer, queue);
        try {
            this.feed = new ChangeFeed(reads, writer, bus, node);
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
        this.sweeper = Thread.ofVirtual().name("letterbox-blob-sweep").start(this::sweepOrphans);
    }

    /**
     * Opens (creating when needed) the store in {@code dataDir}: the database {@code letterbox.db}
     * and the blob files under {@code blobs/}.
     *
     * @throws StoreException when the directory or database cannot be used, or the database was
     *         written by a newer Letterbox
     */
    public static SqlMailStore openSqlite(Path dataDir) {
        return openSqlite(dataDir, FREED_BLOB_GRACE);
    }

    /** As {@link #openSqlite(Path)}, with the grace period of freed blob files (short in tests). */
    static SqlMailStore openSqlite(Path dataDir, Duration freedBlobGrace) {
        List<SqlSession> sessions = new ArrayList<>();
        try {
            Files.createDirectories(dataDir);
            FileBlobStore blobs = new FileBlobStore(dataDir.resolve("blobs"));
            String url = "jdbc:sqlite:" + dataDir.resolve("letterbox.db").toAbsolutePath();
            SqlSession writeSession = new SqlSession(sqliteConnection(url, false));
            sessions.add(writeSession);
            Migrations.apply(writeSession, Dialect.SQLITE);
            List<SqlSession> readSessions = new ArrayList<>();
            for (int i = 0; i < READ_CONNECTIONS; i++) {
                SqlSession s = new SqlSession(sqliteConnection(url, true));
                sessions.add(s);
                readSessions.add(s);
            }
            return new SqlMailStore(Dialect.SQLITE, blobs, writeSession, readSessions, freedBlobGrace);
        } catch (IOException | SQLException | RuntimeException e) {
            for (SqlSession s : sessions) s.close();
            String why = e instanceof StoreException ? e.getMessage() : e.toString();
            throw new StoreException("cannot open the mail store in " + dataDir + ": " + why, e);
        }
    }

    /**
     * A connection with the settings the store's promises rest on: WAL (readers never block the
     * writer), synchronous=FULL (a COMMIT is on disk before it returns: the 250 after DATA is a
     * promise), foreign keys enforced, and a busy timeout so that two processes take turns.
     */
    private static Connection sqliteConnection(String url, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        Connection c = config.createConnection(url);
        if (readOnly) {
            try (var s = c.createStatement()) {
                s.execute("PRAGMA query_only = 1");
            }
        }
        return c;
    }

    @Override
    public DirectoryStore directory() {
        return directory;
    }

    @Override
    public BlobStore blobs() {
        return blobs;
    }

    @Override
    public ChangeBus changes() {
        return bus;
    }

    @Override
    public OutboundQueue queue() {
        return queue;
    }

    @Override
    public DmarcReportStore dmarcReports() {
        return dmarcReports;
    }

    @Override
    public <T> T read(long accountId, Work<ReadTx, T> work) {
        return reads.read(db -> work.run(new SqlReadTx(db, dialect, accountId)));
    }

    @Override
    public <T> T write(long accountId, Work<WriteTx, T> work) {
        return GroupCommitWriter.await(writer.submit(unit(accountId, work)));
    }

    @Override
    public <T> CompletableFuture<T> writeAsync(long accountId, Work<WriteTx, T> work) {
        return writer.submitDetached(unit(accountId, work));
    }

    private <T> GroupCommitWriter.Unit<T> unit(long accountId, Work<WriteTx, T> work) {
        return (db, effects) -> work.run(new SqlWriteTx(db, dialect, accountId, effects, blobs));
    }

    /** Groups and units committed by this store's writer so far (to see group commit at work). */
    long[] commitCounts() {
        return new long[] {writer.groupsCommitted(), writer.unitsCommitted()};
    }

    /** Deletes temporary and unreferenced blob files left by a crash; see {@link FileBlobStore#sweep}. */
    private void sweepOrphans() {
        try {
            int n = blobs.files().sweep(this::referenced, Instant.now().minus(ORPHAN_AGE));
            if (n > 0) LOG.log(System.Logger.Level.INFO, "removed {0} orphaned blob files", n);
        } catch (IOException | StoreException e) {
            if (!closed.get()) LOG.log(System.Logger.Level.WARNING, "sweeping orphaned blob files failed", e);
        }
    }

    private boolean referenced(BlobId blob) {
        return reads.read(db -> BlobRefs.hasRow(db, blob.value()));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        sweeper.interrupt();
        feed.close();
        writer.close();
        try {
            sweeper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reads.close();
        writeSession.close();
    }
}
