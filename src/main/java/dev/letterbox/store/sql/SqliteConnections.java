package dev.letterbox.store.sql;

import dev.letterbox.store.LocalChangeBus;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The embedded backend: the file {@code letterbox.db}, one write connection and
 * {@link #READ_CONNECTIONS} read-only ones, opened once. Several processes may open the same file at
 * once (the server and CLI commands): SQLite serialises their writes, and the {@code change_log}
 * table, polled by {@link ChangeFeed}, tells each of the others' changes.
 */
final class SqliteConnections implements Backend {
    /** Read connections: enough for the two cores' worth of concurrent SQLite work, few enough to stay cheap. */
    static final int READ_CONNECTIONS = 4;
    /** How long a writer waits for another process's write lock before giving up (SQLITE_BUSY). */
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    /**
     * Pages the write-ahead log may hold before a commit copies them into the database (SQLite's
     * default is 1,000). Under a steady load of small commits a busy page (a mailbox's row, the
     * change log's last page) is logged again by every commit; a longer log copies it once for many
     * of them. About 16 MiB of log at most between checkpoints.
     */
    static final int AUTOCHECKPOINT_PAGES = 4000;
    /** The writer's page cache (KiB): it is kept across transactions, so it holds the pages writes touch. */
    static final int WRITER_CACHE_KIB = 32 * 1024;

    private final FixedSessions writer;
    private final FixedSessions readers;
    /** The database's write-ahead log, which the writer's commits with synchronous=NORMAL leave unsynced. */
    private final Path writeAheadLog;

    private SqliteConnections(FixedSessions writer, FixedSessions readers, Path writeAheadLog) {
        this.writer = writer;
        this.readers = readers;
        this.writeAheadLog = writeAheadLog;
    }

    /** Opens the database file (creating it), migrated to the current schema. */
    static SqliteConnections open(Path file) throws SQLException {
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        List<SqlSession> opened = new ArrayList<>();
        try {
            SqlSession writeSession = new SqlSession(connection(url, false));
            opened.add(writeSession);
            Migrations.apply(writeSession, Dialect.SQLITE);
            List<SqlSession> readSessions = new ArrayList<>();
            for (int i = 0; i < READ_CONNECTIONS; i++) {
                SqlSession s = new SqlSession(connection(url, true));
                opened.add(s);
                readSessions.add(s);
            }
            return new SqliteConnections(new FixedSessions(List.of(writeSession)), new FixedSessions(readSessions),
                    file.resolveSibling(file.getFileName() + "-wal"));
        } catch (SQLException | RuntimeException e) {
            for (SqlSession s : opened) s.close();
            throw e;
        }
    }

    @Override
    public Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    public SessionSource writer() {
        return writer;
    }

    @Override
    public SessionSource readers() {
        return readers;
    }

    /**
     * fsync of the log through a descriptor of our own: it forces the file's written pages whoever
     * wrote them, here the writer connection's commits made with synchronous=NORMAL. Runs on the
     * writer thread between transactions, so no commit is half-written meanwhile.
     */
    @Override
    public void flushUnsyncedCommits() throws IOException {
        try (FileChannel log = FileChannel.open(writeAheadLog, StandardOpenOption.WRITE)) {
            log.force(false);
        } catch (NoSuchFileException e) {
            // no log: nothing was committed into one since the last checkpoint removed it
        }
    }

    @Override
    public AutoCloseable startFeed(ReadPool reads, LocalChangeBus bus, MailboxIndexes indexes, String node) {
        return new ChangeFeed(reads, bus, indexes, node);
    }

    /**
     * The settings the store's promises rest on, as SQLite reports them on each connection (PRAGMA
     * journal_mode, synchronous, foreign_keys, busy_timeout, query_only), and those its speed rests on
     * (temp_store, wal_autocheckpoint): the writer's first, then each reader's. For tests:
     * a setting lost on one connection loses durability (or speed) silently.
     */
    List<Map<String, String>> settings() {
        List<Map<String, String>> out = new ArrayList<>(writer.onEach(SqliteConnections::settings));
        out.addAll(readers.onEach(SqliteConnections::settings));
        return out;
    }

    private static Map<String, String> settings(SqlSession db) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pragma : List.of("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "query_only",
                "temp_store", "wal_autocheckpoint")) {
            out.put(pragma, db.first("PRAGMA " + pragma, rs -> rs.getString(1)).orElse("").toLowerCase(Locale.ROOT));
        }
        return out;
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
    private static Connection connection(String url, boolean readOnly) throws SQLException {
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

    /*
     * No memory map (PRAGMA mmap_size): it halved the read calls, but SQLite maps the file anew on
     * each connection whenever the file grows, which under a steady load of appends was a map and
     * an unmap (with their TLB shoot-downs) every third IMAP command.
     */
    private static Connection configuredConnection(String url, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        Connection c = config.createConnection(url);
        try (var s = c.createStatement()) {
            if (readOnly) {
                s.execute("PRAGMA query_only = 1");
            } else {
                s.execute("PRAGMA wal_autocheckpoint = " + AUTOCHECKPOINT_PAGES);
                // Each unit of a group runs in a savepoint, whose page images SQLite keeps in a
                // statement journal that past 64 KiB spills to a temporary file: under load nearly
                // half of the writer's write calls, for data thrown away at COMMIT. In memory it is
                // bounded by the pages one group changes.
                s.execute("PRAGMA temp_store = MEMORY");
                s.execute("PRAGMA cache_size = -" + WRITER_CACHE_KIB);
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }
}
