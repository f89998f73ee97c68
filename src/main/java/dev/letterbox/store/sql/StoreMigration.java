package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.StoreException;
import dev.letterbox.store.blob.FileBlobStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Moves the embedded store of a data directory (SQLite database {@code letterbox.db}) into a
 * PostgreSQL database, ids and all: UIDVALIDITY, UIDs and MODSEQs stay what IMAP clients have seen,
 * and each identity sequence is set past the ids SQLite ever handed out, so new rows never collide
 * and no deleted id comes back.
 *
 * <p>The copy is resumable ({@link TableCopy}) and verified: at the end every table's row count and
 * SHA-256 ({@link TableDigest}) are compared between the two databases, and the progress record is
 * dropped only when all agree. Message files stay where they are (the PostgreSQL store reads them
 * from {@code [store] blob_dir}); only the bodies SQLite holds inline are copied, as blob rows.
 * Copying the files into the database is for when the store can keep them there.
 *
 * <p>The source should not change while this runs: the caller makes sure the server is stopped.
 */
public final class StoreMigration {
    /** Rows per batch (one target transaction) unless the caller says otherwise. */
    public static final int DEFAULT_BATCH_ROWS = 500;
    /** A batch also ends at this many bytes of values: inline bodies are up to 128 KiB each. */
    private static final long BATCH_BYTES = 16L << 20;
    /** Tables not copied, and why. */
    private static final Set<String> NOT_COPIED = Set.of(
            // the target's own, written by the same migration scripts: only the versions are compared
            "schema_version",
            // announcements of recent changes to processes sharing the SQLite file; PostgreSQL nodes
            // announce by NOTIFY and never read this table
            "change_log");
    /** Keeps two runs from copying into one database at once (any number; only migrate-store uses it). */
    private static final long COPY_LOCK = 0x4C62_4D69_6772_6174L;
    /** A progress line for a big table every this many rows. */
    private static final long PROGRESS_EVERY = 20_000;

    /** What the migration tells its user, and when a batch is committed (tests stop a run there). */
    public interface Listener {
        void say(String line);

        default void batchCommitted(String table, long rowsCopied) {}
    }

    /** The PostgreSQL database, as {@code [store] url} and {@code password_file} name it. */
    public record Target(String url, Optional<Path> passwordFile) {}

    /** One table compared: its rows and SHA-256 on each side. */
    public record TableCheck(String table, long sourceRows, String sourceSha256, long targetRows, String targetSha256) {
        public boolean equal() {
            return sourceRows == targetRows && sourceSha256.equals(targetSha256);
        }
    }

    /**
     * The outcome: the comparison of every table, and the message files the blob rows refer to
     * ({@code missingFiles} were already missing from the source's blob directory).
     */
    public record Report(List<TableCheck> tables, long files, long missingFiles) {
        public boolean verified() {
            return tables.stream().allMatch(TableCheck::equal);
        }

        public long rows() {
            return tables.stream().mapToLong(TableCheck::sourceRows).sum();
        }
    }

    private final Path dataDir;
    private final Path blobDir;
    private final Target target;
    private final Listener listener;

    public StoreMigration(Path dataDir, Path blobDir, Target target, Listener listener) {
        this.dataDir = dataDir;
        this.blobDir = blobDir;
        this.target = target;
        this.listener = listener;
    }

    /**
     * Copies what is not yet copied (all of it on a first run into an empty database), then sets
     * the identity sequences and verifies.
     *
     * @throws StoreException when the target is not empty and holds no earlier run's progress, the
     *         schemas differ, or a database fails (then run again: the copy goes on where it stopped)
     */
    public Report migrate(int batchRows) {
        prepareSchemas();
        try (Connection source = openSource(); Connection pg = openTarget()) {
            List<CopiedTable> tables = CopiedTable.plan(source, pg, NOT_COPIED);
            pg.commit();
            if (TableCopy.progressExists(pg)) {
                listener.say("resuming the copy recorded in the PostgreSQL database");
            } else {
                requireEmpty(pg, tables);
            }
            TableCopy.startProgress(pg, tables);
            TableCopy copy = new TableCopy(source, pg, Math.max(1, batchRows), BATCH_BYTES);
            for (CopiedTable table : tables) copyTable(copy, table);
            setSequences(source, pg, tables);
            Report report = compare(source, pg, tables);
            if (report.verified()) TableCopy.dropProgress(pg);
            return report;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Only compares the two databases (after a migration, before switching the server over). */
    public Report verify() {
        prepareSchemas();
        try (Connection source = openSource(); Connection pg = openTarget()) {
            List<CopiedTable> tables = CopiedTable.plan(source, pg, NOT_COPIED);
            pg.commit();
            return compare(source, pg, tables);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private void copyTable(TableCopy copy, CopiedTable table) throws SQLException {
        TableCopy.State before = copy.state(table);
        if (before.done()) {
            listener.say(table.name() + ": " + rows(before.rowsCopied()) + " (copied by an earlier run)");
            return;
        }
        long rows = copy.copy(table, (name, copied) -> {
            if (copied / PROGRESS_EVERY != (copied - 1) / PROGRESS_EVERY && copied >= PROGRESS_EVERY) {
                listener.say(name + ": " + rows(copied) + " so far");
            }
            listener.batchCommitted(name, copied);
        });
        listener.say(table.name() + ": " + rows(rows)
                + (before.rowsCopied() > 0 ? " (resumed after " + before.rowsCopied() + ")" : ""));
    }

    /** Brings both databases to this Letterbox's schema, as the server does when it starts. */
    private void prepareSchemas() {
        Path file = sourceFile();
        if (!Files.isRegularFile(file)) throw new StoreException("no embedded store at " + file);
        try {
            SqliteConnections sqlite = SqliteConnections.open(file);
            sqlite.writer().close();
            sqlite.readers().close();
        } catch (SQLException e) {
            throw new StoreException("cannot open " + file + ": " + e.getMessage(), e);
        }
        PostgresConnections pg = PostgresConnections.open(target.url(), target.passwordFile(), 1);
        pg.writer().close();
        pg.readers().close();
        pg.close();
    }

    private Path sourceFile() {
        return dataDir.resolve("letterbox.db");
    }

    private Connection openSource() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + sourceFile().toAbsolutePath());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA query_only = 1");
            s.execute("PRAGMA busy_timeout = 10000");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private Connection openTarget() throws SQLException {
        Connection c = DriverManager.getConnection(PostgresConnections.jdbcUrl(target.url()),
                PostgresConnections.credentials(target.url(), target.passwordFile()));
        try {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + COPY_LOCK + ")")) {
                rs.next();
                if (!rs.getBoolean(1)) throw new StoreException("another migrate-store is running on " + target.url()
                        + " (one just killed holds on until PostgreSQL notices its connection is gone)");
            }
            c.setAutoCommit(false);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * A database some server already used would be overwritten row by row: refuse it. Empty means
     * no rows but those a fresh schema has (the UIDVALIDITY counter at 0).
     */
    private static void requireEmpty(Connection pg, List<CopiedTable> tables) throws SQLException {
        for (CopiedTable t : tables) {
            String where = t.name().equals("counter") ? " WHERE value <> 0" : "";
            long n = longResult(pg, "SELECT count(*) FROM " + CopiedTable.quote(t.name()) + where);
            if (n > 0) {
                pg.commit();
                throw new StoreException("the PostgreSQL database is not empty (table " + t.name() + " has rows): "
                        + "migrate into a new, empty database");
            }
        }
        pg.commit();
    }

    /**
     * Sets each identity sequence past the largest id SQLite ever gave out: AUTOINCREMENT remembers
     * ids of deleted rows in {@code sqlite_sequence}, and those must not come back either (a
     * queue id or a mailbox id once seen by someone).
     */
    private void setSequences(Connection source, Connection pg, List<CopiedTable> tables) throws SQLException {
        List<String> set = new ArrayList<>();
        for (CopiedTable t : tables) {
            if (t.identity().isEmpty()) continue;
            String column = t.identity().get();
            long max = Math.max(sqliteSequence(source, t.name()),
                    longResult(pg, "SELECT coalesce(max(" + CopiedTable.quote(column) + "), 0) FROM " + CopiedTable.quote(t.name())));
            if (max <= 0) continue; // never used: the sequence starts at 1 as it is
            try (PreparedStatement ps = pg.prepareStatement("SELECT setval(pg_get_serial_sequence(?, ?), ?, true)")) {
                ps.setString(1, CopiedTable.quote(t.name()));
                ps.setString(2, column);
                ps.setLong(3, max);
                ps.executeQuery().close();
            }
            set.add(t.name() + " " + max);
        }
        pg.commit();
        if (!set.isEmpty()) listener.say("identity sequences set past the ids used: " + String.join(", ", set));
    }

    private static long sqliteSequence(Connection source, String table) throws SQLException {
        if (longResult(source, "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'") == 0) return 0;
        try (PreparedStatement ps = source.prepareStatement("SELECT seq FROM sqlite_sequence WHERE name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private Report compare(Connection source, Connection pg, List<CopiedTable> tables) throws SQLException {
        long sourceVersion = longResult(source, "SELECT max(version) FROM schema_version");
        long targetVersion = longResult(pg, "SELECT max(version) FROM schema_version");
        pg.commit();
        if (sourceVersion != targetVersion) {
            throw new StoreException("schema version " + sourceVersion + " here but " + targetVersion + " in PostgreSQL");
        }
        List<TableCheck> checks = new ArrayList<>();
        for (CopiedTable t : tables) {
            TableDigest here = TableDigest.of(source, t, false);
            TableDigest there;
            try {
                there = TableDigest.of(pg, t, true);
            } finally {
                pg.commit();
            }
            checks.add(new TableCheck(t.name(), here.rows(), here.sha256(), there.rows(), there.sha256()));
        }
        long[] files = countFiles(source);
        return new Report(List.copyOf(checks), files[0], files[1]);
    }

    /** The message files the blob rows refer to (those without inline content): {present + missing, missing}. */
    private long[] countFiles(Connection source) throws SQLException {
        FileBlobStore files;
        try {
            files = new FileBlobStore(blobDir);
        } catch (IOException e) {
            throw new StoreException("cannot use the blob directory " + blobDir + ": " + e.getMessage(), e);
        }
        long all = 0, missing = 0;
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM blob WHERE content IS NULL")) {
            while (rs.next()) {
                all++;
                if (!files.exists(new BlobId(rs.getString(1)))) missing++;
            }
        }
        return new long[] {all, missing};
    }

    private static long longResult(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static String rows(long n) {
        return n + (n == 1 ? " row" : " rows");
    }

    private StoreException failure(SQLException e) {
        return new StoreException("migration stopped (" + e.getMessage() + "); run the same command again to go on", e);
    }
}
