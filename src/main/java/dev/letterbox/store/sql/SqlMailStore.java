package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.ChangeBus;
import dev.letterbox.store.DirectoryStore;
import dev.letterbox.store.DmarcReportStore;
import dev.letterbox.store.DurabilityHooks;
import dev.letterbox.store.LocalChangeBus;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.OutboundQueue;
import dev.letterbox.store.ReadTx;
import dev.letterbox.store.StoreException;
import dev.letterbox.store.WriteTx;
import dev.letterbox.store.blob.FileBlobStore;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The embedded mail store: a relational database (SQLite today) plus blob files.
 *
 * <p>Lifecycle: {@link #openSqlite} migrates the schema, starts the writer thread, the change-feed
 * poller and a background recovery sweep of what a crash left among the blob files (logged in one
 * line when it removed anything); {@link #close} lets queued writes finish, then stops everything. Several processes may open the same data directory at once (the server and
 * CLI commands): SQLite serialises their writes, and each announces the others' changes.
 */
public final class SqlMailStore implements MailStore {
    private static final System.Logger LOG = System.getLogger("letterbox.store");
    /** Read connections: enough for the two cores' worth of concurrent SQLite work, few enough to stay cheap. */
    static final int READ_CONNECTIONS = 4;
    /** How long a writer waits for another process's write lock before giving up (SQLITE_BUSY). */
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    /** Unreferenced blob files younger than this are never swept: a delivery may be about to refer to them. */
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
    private final DurabilityHooks.Slot hooks;
    private final CompletableFuture<FileBlobStore.Swept> recovery = new CompletableFuture<>();
    private final Thread sweeper;

    private SqlMailStore(Dialect dialect, FileBlobStore blobs, SqlSession writeSession, List<SqlSession> readSessions,
                         Duration freedBlobGrace, DurabilityHooks.Slot hooks) {
        this.dialect = dialect;
        this.writeSession = writeSession;
        this.hooks = hooks;
        this.reads = new ReadPool(dialect, readSessions);
        this.blobs = new SqlBlobStore(blobs, reads);
        this.writer = new GroupCommitWriter(writeSession, dialect, node, bus, this.blobs, freedBlobGrace, hooks);
        this.directory = new SqlDirectory(reads, writer);
        this.queue = new SqlOutboundQueue(dialect, reads, writer, this.blobs);
        this.dmarcReports = new SqlDmarcReports(reads, writer, queue);
        try {
            this.feed = new ChangeFeed(reads, writer, bus, node);
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
        this.sweeper = Thread.ofVirtual().name("letterbox-blob-recovery").start(this::recover);
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
        DurabilityHooks.Slot hooks = new DurabilityHooks.Slot();
        try {
            Files.createDirectories(dataDir);
            FileBlobStore blobs = new FileBlobStore(dataDir.resolve("blobs"), hooks);
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
            return new SqlMailStore(Dialect.SQLITE, blobs, writeSession, readSessions, freedBlobGrace, hooks);
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
     *
     * <p>Two processes opening a new database at once (the server and a CLI command) race to switch
     * it to WAL; the loser gets SQLITE_BUSY at once, without SQLite's busy handler waiting for it,
     * so it tries again here for as long as the busy timeout.
     */
    private static Connection sqliteConnection(String url, boolean readOnly) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_TIMEOUT_MILLIS);
        while (true) {
            try {
                return configuredConnection(url, readOnly);
            } catch (SQLiteException e) {
                boolean busy = (e.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_BUSY.code;
                if (!busy || System.nanoTime() - deadline > 0) throw e;
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(5, 25));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static Connection configuredConnection(String url, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        Connection c = config.createConnection(url);
        if (readOnly) {
            try (var s = c.createStatement()) {
                s.execute("PRAGMA query_only = 1");
            } catch (SQLException e) {
                c.close();
                throw e;
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

    /**
     * Test seam: from now on every fsync of this store — blob files, their directories, database
     * commits — is reported to {@code hooks}, which may also make it fail. See {@link DurabilityHooks}.
     */
    public void installDurabilityHooks(DurabilityHooks hooks) {
        this.hooks.install(hooks);
    }

    /**
     * The settings the store's promises rest on, as SQLite reports them on each connection it opened
     * (PRAGMA journal_mode, synchronous, foreign_keys, busy_timeout, query_only): the writer's first,
     * then each reader's. For tests: a setting lost on one connection loses durability silently.
     */
    List<Map<String, String>> connectionSettings() {
        List<Map<String, String>> out = new ArrayList<>();
        out.add(GroupCommitWriter.await(writer.submit((db, fx) -> settings(db))));
        out.addAll(reads.onEachConnection(SqlMailStore::settings));
        return out;
    }

    private static Map<String, String> settings(SqlSession db) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pragma : List.of("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "query_only")) {
            out.put(pragma, db.first("PRAGMA " + pragma, rs -> rs.getString(1)).orElse("").toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** The start-up recovery's outcome, once it has run (failed when it could not finish). */
    CompletableFuture<FileBlobStore.Swept> recovery() {
        return recovery;
    }

    /**
     * Removes what a crash left among the blob files: partial blobs nobody is writing, and committed
     * blobs nothing refers to that are old enough (see {@link FileBlobStore#sweep}); says so in one line.
     */
    private void recover() {
        try {
            FileBlobStore.Swept swept = blobs.files().sweep(this::referenced, Instant.now().minus(ORPHAN_AGE));
            if (!swept.nothing()) LOG.log(System.Logger.Level.INFO, describe(swept));
            recovery.complete(swept);
        } catch (IOException | StoreException e) {
            if (!closed.get()) LOG.log(System.Logger.Level.WARNING, "recovery: sweeping blob files failed", e);
            recovery.completeExceptionally(e);
        } catch (RuntimeException e) {
            recovery.completeExceptionally(e);
            throw e;
        }
    }

    /** "recovery: removed 3 partial blobs (1.2 MB) and 1 unreferenced blob (300 KB)". */
    static String describe(FileBlobStore.Swept s) {
        return "recovery: removed " + count(s.partialFiles(), "partial blob") + " (" + size(s.partialBytes()) + ") and "
                + count(s.unreferencedFiles(), "unreferenced blob") + " (" + size(s.unreferencedBytes()) + ")";
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static String size(long bytes) {
        if (bytes < 1000) return bytes + " bytes";
        if (bytes < 1_000_000) return String.format(Locale.ROOT, "%.1f KB", bytes / 1e3);
        if (bytes < 1_000_000_000) return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
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
