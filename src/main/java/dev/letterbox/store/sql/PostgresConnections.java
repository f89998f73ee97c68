package dev.letterbox.store.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.letterbox.store.LocalChangeBus;
import dev.letterbox.store.StoreException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * The PostgreSQL backend: a pool of one connection for the writer and a pool of {@code poolSize}
 * for reads (HikariCP: a connection that broke is replaced on the next borrow, so the store goes on
 * by itself when the server comes back), plus one connection of its own that LISTENs for the
 * changes other nodes commit ({@link NotificationFeed}).
 *
 * <p>Every connection runs with {@code synchronous_commit = on}: a returned COMMIT is on the
 * server's disk, whatever the server's default says, since the 250 after DATA rests on it.
 */
final class PostgresConnections implements Backend {
    /** How long a borrow waits for a connection before the command fails (temporarily). */
    private static final long BORROW_TIMEOUT_MILLIS = 3_000;
    /** Serialises schema migrations of nodes starting at once (any fixed number all nodes agree on). */
    private static final long MIGRATION_LOCK = 0x4C65747465726278L;

    private final String jdbcUrl;
    private final Properties credentials;
    private final PooledSessions writer;
    private final PooledSessions readers;

    private PostgresConnections(String jdbcUrl, Properties credentials, PooledSessions writer, PooledSessions readers) {
        this.jdbcUrl = jdbcUrl;
        this.credentials = credentials;
        this.writer = writer;
        this.readers = readers;
    }

    /**
     * Connects to {@code url} ({@code postgresql://user@host:port/database?params}) and migrates the
     * schema; fails at once, with the server's reason, when the database cannot be reached.
     */
    static PostgresConnections open(String url, Optional<Path> passwordFile, int poolSize) {
        Properties credentials = credentials(url, passwordFile);
        String jdbcUrl = jdbcUrl(url);
        HikariDataSource writerPool = null;
        try {
            String settings = settings(jdbcUrl, credentials);
            writerPool = pool("letterbox-writer", jdbcUrl, credentials, 1, settings + "READ COMMITTED");
            PooledSessions writer = new PooledSessions(writerPool);
            migrate(writer);
            // reads see one snapshot per transaction; chunk inserts of database blobs commit alone
            HikariDataSource readerPool = pool("letterbox-readers", jdbcUrl, credentials, poolSize, settings + "REPEATABLE READ");
            return new PostgresConnections(jdbcUrl, credentials, writer, new PooledSessions(readerPool));
        } catch (RuntimeException e) {
            if (writerPool != null) writerPool.close();
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            throw new StoreException("cannot use the PostgreSQL database at " + url + ": " + root.getMessage(), e);
        }
    }

    private static void migrate(PooledSessions writer) {
        SqlSession db = writer.acquire();
        try {
            db.first("SELECT pg_advisory_lock(?)", rs -> rs.getObject(1), MIGRATION_LOCK);
            try {
                Migrations.apply(db, Dialect.POSTGRESQL);
            } finally {
                db.first("SELECT pg_advisory_unlock(?)", rs -> rs.getObject(1), MIGRATION_LOCK);
            }
        } finally {
            writer.release(db);
        }
    }

    /**
     * What every connection sets before its isolation level: durable commits; LZ4 for the
     * values PostgreSQL compresses (message bodies kept in their {@code blob} row, chunks) where the
     * server has it (PostgreSQL 14 and later, when built with it, as Debian's is); and generic plans
     * for prepared statements (PostgreSQL 12 and later).
     *
     * <p>LZ4: with the default, pglz, inserting the bench's messages (20 KB on average) took 3.8
     * times as long as storing them uncompressed; with LZ4 1.14 times, for output 1.4 times pglz's
     * ({@code bench/RESULTS.md}). Values already stored stay as they are: each is read with the
     * method it was written with.
     *
     * <p>Generic plans: by default PostgreSQL plans a prepared statement anew for every execution
     * while its generic plan looks dearer than the custom ones, which is always the case for a
     * parameter array ({@code uid = ANY(?)}: the custom plan knows its length). STORE and EXPUNGE
     * were planned on every call, half of the database's time in their statements under imaptest.
     * Every statement of the store looks rows up by keys and ranges on its indexes, which a generic
     * plan does as well.
     */
    private static String settings(String jdbcUrl, Properties credentials) {
        String settings = "SET synchronous_commit = on; ";
        try (Connection c = DriverManager.getConnection(jdbcUrl, credentials);
             var rs = c.createStatement().executeQuery("SELECT name, 'lz4' = ANY(enumvals) FROM pg_settings "
                     + "WHERE name IN ('default_toast_compression', 'plan_cache_mode')")) {
            while (rs.next()) {
                if (rs.getString(1).equals("plan_cache_mode")) settings += "SET plan_cache_mode = force_generic_plan; ";
                else if (rs.getBoolean(2)) settings += "SET default_toast_compression = lz4; ";
            }
        } catch (SQLException e) {
            throw new StoreException(e.getMessage(), e);
        }
        return settings + "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL ";
    }

    /** A pool whose connections run {@code initSql} first: the settings, ending in the isolation level. */
    private static HikariDataSource pool(String name, String jdbcUrl, Properties credentials, int size, String initSql) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(jdbcUrl);
        config.setDataSourceProperties(credentials);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(size, 2));
        config.setConnectionTimeout(BORROW_TIMEOUT_MILLIS);
        config.setValidationTimeout(Math.min(BORROW_TIMEOUT_MILLIS, 2_000));
        config.setConnectionInitSql(initSql);
        config.setAutoCommit(true); // transactions are begun and ended by the store itself
        // At start the database must be there: fail with its reason instead of retrying quietly.
        config.setInitializationFailTimeout(1);
        return new HikariDataSource(config);
    }

    /** A connection outside the pools, for LISTEN (it must stay the same connection). */
    Connection dedicatedConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, credentials);
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRESQL;
    }

    @Override
    public SessionSource writer() {
        return writer;
    }

    @Override
    public SessionSource readers() {
        return readers;
    }

    @Override
    public AutoCloseable startFeed(ReadPool reads, LocalChangeBus bus, MailboxIndexes indexes, String node) {
        return new NotificationFeed(this::dedicatedConnection, bus, indexes, node);
    }

    /** The driver's URL for {@code url} (see {@link PostgresUrl}). */
    static String jdbcUrl(String url) {
        return PostgresUrl.parse(url).jdbc();
    }

    /** The user (from the URL), password (from the file) and connection properties for {@code url}. */
    static Properties credentials(String url, Optional<Path> passwordFile) {
        Properties p = new Properties();
        p.setProperty("user", PostgresUrl.parse(url).user());
        if (passwordFile.isPresent()) {
            try {
                p.setProperty("password", Files.readString(passwordFile.get(), StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new StoreException("cannot read the database password file " + passwordFile.get() + ": " + e.getMessage(), e);
            }
        }
        p.setProperty("ApplicationName", "letterbox");
        // A node whose database vanished mid-statement should not hang forever in a socket read.
        p.setProperty("tcpKeepAlive", "true");
        return p;
    }
}
