package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.ChangeBus;
import dev.letterbox.store.Coordination;
import dev.letterbox.store.DirectoryStore;
import dev.letterbox.store.DmarcReportStore;
import dev.letterbox.store.DurabilityHooks;
import dev.letterbox.store.LocalChangeBus;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.MailboxGrants;
import dev.letterbox.store.MailboxIndex;
import dev.letterbox.store.UrlAuthKeys;
import dev.letterbox.store.OutboundQueue;
import dev.letterbox.store.ReadTx;
import dev.letterbox.store.MailboxMetadata;
import dev.letterbox.store.SieveScripts;
import dev.letterbox.store.StoreException;
import dev.letterbox.store.WriteTx;
import dev.letterbox.store.blob.LargeBlobStore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The mail store: a relational database (SQLite embedded, or PostgreSQL shared by several nodes)
 * plus the big blobs, as files or in the database. {@link StoreFactory} opens the configured one.
 *
 * <p>Lifecycle: opening migrates the schema, starts the writer thread, the feed of other processes'
 * changes and a background recovery sweep of what a crash left among the big blobs (logged in one
 * line when it removed anything); {@link #close} lets queued writes finish, then stops everything.
 */
public final class SqlMailStore implements MailStore {
    private static final System.Logger LOG = System.getLogger("letterbox.store");
    /** Read connections of the embedded store. */
    static final int READ_CONNECTIONS = SqliteConnections.READ_CONNECTIONS;
    /** Unreferenced big blobs younger than this are never swept: a delivery may be about to refer to them. */
    private static final Duration ORPHAN_AGE = Duration.ofHours(1);
    /** How long a freed big blob outlives its last reference (see GroupCommitWriter). */
    static final Duration FREED_BLOB_GRACE = Duration.ofSeconds(10);

    private final Backend backend;
    private final Dialect dialect;
    private final SqlBlobStore blobs;
    private final LocalChangeBus bus = new LocalChangeBus();
    private final String node = UUID.randomUUID().toString();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReadPool reads;
    private final GroupCommitWriter writer;
    private final MailboxIndexes indexes;
    private final SqlDirectory directory;
    private final SqlOutboundQueue queue;
    private final SqlDmarcReports dmarcReports;
    private final SqlCoordination coordination;
    private final SqlSieveScripts sieveScripts;
    private final SqlUrlAuthKeys urlAuthKeys;
    private final SqlMailboxGrants grants;
    private final SqlMailboxMetadata metadata;
    private final DatabaseClock clock;
    private final AutoCloseable feed;
    private final DurabilityHooks.Slot hooks;
    private final CompletableFuture<LargeBlobStore.Swept> recovery = new CompletableFuture<>();
    private final Thread sweeper;
    private final Housekeeping housekeeping;

    /**
     * {@code inlineLimit}: the biggest blob kept in its row (see {@link SqlBlobStore});
     * {@code indexSnapshots}: this node's directory of mailbox index snapshots, null for none.
     */
    SqlMailStore(Backend backend, LargeBlobStore blobs, int inlineLimit, Duration freedBlobGrace, DurabilityHooks.Slot hooks,
                 Path indexSnapshots) {
        this.backend = backend;
        this.dialect = backend.dialect();
        this.hooks = hooks;
        this.reads = new ReadPool(dialect, backend.readers());
        this.blobs = new SqlBlobStore(blobs, reads, inlineLimit);
        this.indexes = new MailboxIndexes(reads, indexSnapshots == null ? null : new IndexSnapshots(indexSnapshots));
        this.writer = new GroupCommitWriter(backend.writer(), dialect, node, bus, this.blobs, freedBlobGrace, hooks,
                backend::flushUnsyncedCommits, indexes);
        this.directory = new SqlDirectory(reads, writer);
        this.clock = new DatabaseClock();
        if (dialect == Dialect.POSTGRESQL) clock.measure(reads);
        this.queue = new SqlOutboundQueue(dialect, reads, writer, this.blobs, clock);
        this.dmarcReports = new SqlDmarcReports(reads, writer, queue);
        this.coordination = new SqlCoordination(reads, writer, dialect, clock);
        this.sieveScripts = new SqlSieveScripts(reads, writer, dialect);
        this.urlAuthKeys = new SqlUrlAuthKeys(reads, writer);
        this.grants = new SqlMailboxGrants(reads, writer, dialect);
        this.metadata = new SqlMailboxMetadata(reads, writer, dialect);
        try {
            this.feed = backend.startFeed(reads, bus, indexes, node);
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
        this.sweeper = Thread.ofVirtual().name("letterbox-blob-recovery").start(this::recover);
        this.housekeeping = new Housekeeping(writer, reads, dialect, clock);
    }

    /**
     * Opens (creating when needed) the embedded store in {@code dataDir}: the database
     * {@code letterbox.db} and the blob files under {@code blobs/}.
     *
     * @throws StoreException when the directory or database cannot be used, or the database was
     *         written by a newer Letterbox
     */
    public static SqlMailStore openSqlite(Path dataDir) {
        return openSqlite(dataDir, FREED_BLOB_GRACE);
    }

    /** As {@link #openSqlite(Path)}, with the grace period of freed blob files (short in tests). */
    static SqlMailStore openSqlite(Path dataDir, Duration freedBlobGrace) {
        return StoreFactory.sqlite(dataDir, dataDir.resolve("blobs"), freedBlobGrace);
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
    public Coordination coordination() {
        return coordination;
    }

    @Override
    public SieveScripts sieveScripts() {
        return sieveScripts;
    }

    @Override
    public UrlAuthKeys urlAuthKeys() {
        return urlAuthKeys;
    }

    @Override
    public MailboxGrants grants() {
        return grants;
    }

    @Override
    public MailboxMetadata metadata() {
        return metadata;
    }

    @Override
    public <T> T read(long accountId, Work<ReadTx, T> work) {
        return reads.read(db -> work.run(new SqlReadTx(db, dialect, accountId, blobs.cache())));
    }

    @Override
    public <T> T readOne(long accountId, Work<ReadTx, T> work) {
        return reads.readOne(db -> work.run(new SqlReadTx(db, dialect, accountId, blobs.cache())));
    }

    @Override
    public <T> T write(long accountId, Work<WriteTx, T> work) {
        return GroupCommitWriter.await(writer.submit(unit(accountId, work)));
    }

    @Override
    public <T> T writeUnsynced(long accountId, Work<WriteTx, T> work) {
        return GroupCommitWriter.await(writer.submitUnsynced(unit(accountId, work)));
    }

    @Override
    public <T> CompletableFuture<T> writeAsync(long accountId, Work<WriteTx, T> work) {
        return writer.submitDetached(unit(accountId, work));
    }

    @Override
    public MailboxIndex openIndex(long accountId, long mailboxId) {
        return indexes.open(accountId, mailboxId);
    }

    /** Indexes open on this node now (for tests). */
    int openIndexes() {
        return indexes.openCount();
    }

    /** Whether the mailbox's index in memory was built from a snapshot (for tests). */
    boolean indexFromSnapshot(long mailboxId) {
        return indexes.fromSnapshot(mailboxId);
    }

    /** Index snapshots for mailboxes of at least {@code messages} messages (for tests; the default skips small ones). */
    void indexSnapshotsFrom(int messages) {
        indexes.snapshotFrom(messages);
    }

    /** How often the mailbox's open index has read the store (for tests). */
    long indexStoreReads(long mailboxId) {
        return indexes.storeReads(mailboxId);
    }

    private <T> GroupCommitWriter.Unit<T> unit(long accountId, Work<WriteTx, T> work) {
        return (db, effects) -> work.run(new SqlWriteTx(db, dialect, accountId, effects, blobs));
    }

    /** Forgets the expunge tombstones written before {@code cutoff} now (Housekeeping does it after a month). */
    public int pruneTombstones(Instant cutoff) {
        return GroupCommitWriter.await(writer.submit((db, fx) -> Housekeeping.pruneTombstones(db, cutoff.toEpochMilli())));
    }

    /** Test seam: this node's clock runs {@code skew} off the system's, as measured against the database. */
    void skewNodeClock(Duration skew) {
        clock.useNodeClock(() -> System.currentTimeMillis() + skew.toMillis());
        clock.measure(reads);
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
     * The settings the embedded store's promises rest on, per connection: the writer's first, then
     * each reader's (see {@link SqliteConnections#settings}).
     */
    List<Map<String, String>> connectionSettings() {
        if (!(backend instanceof SqliteConnections sqlite)) throw new IllegalStateException("not an embedded store");
        return sqlite.settings();
    }

    /** The start-up recovery's outcome, once it has run (failed when it could not finish). */
    CompletableFuture<LargeBlobStore.Swept> recovery() {
        return recovery;
    }

    /**
     * Removes what a crash left among the big blobs: partial blobs nobody is writing, and committed
     * blobs nothing refers to that are old enough (see {@link LargeBlobStore#sweep}); says so in one line.
     */
    private void recover() {
        try {
            LargeBlobStore.Swept swept = blobs.large().sweep(this::referenced, Instant.now().minus(ORPHAN_AGE));
            if (!swept.nothing()) LOG.log(System.Logger.Level.INFO, describe(swept));
            recovery.complete(swept);
        } catch (IOException | StoreException e) {
            if (!closed.get()) LOG.log(System.Logger.Level.WARNING, "recovery: sweeping blobs failed", e);
            recovery.completeExceptionally(e);
        } catch (RuntimeException e) {
            recovery.completeExceptionally(e);
            throw e;
        }
    }

    /** "recovery: removed 3 partial blobs (1.2 MB) and 1 unreferenced blob (300 KB)". */
    static String describe(LargeBlobStore.Swept s) {
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
        housekeeping.close();
        try {
            feed.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "stopping the change feed failed", e);
        }
        writer.close();
        indexes.saveSnapshots();
        try {
            sweeper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reads.close();
        backend.writer().close();
        backend.close();
    }
}
