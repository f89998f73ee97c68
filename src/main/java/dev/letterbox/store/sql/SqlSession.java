package dev.letterbox.store.sql;

import dev.letterbox.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One JDBC connection with its prepared statements kept for reuse (SQLite compiles each statement;
 * a mailbox listing runs the same few thousands of times). Used by one thread at a time: the writer
 * thread, or whoever holds the read slot. Every {@link SQLException} leaves as a {@link StoreException}.
 */
final class SqlSession implements AutoCloseable {
    private static final int CACHED_STATEMENTS = 128;

    /** A typed SQL NULL, for drivers that need the type of a null parameter. */
    record Null(int sqlType) {
        static final Null BYTES = new Null(Types.BINARY);
        static final Null TEXT = new Null(Types.VARCHAR);
        static final Null BIGINT = new Null(Types.BIGINT);
    }

    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= CACHED_STATEMENTS) return false;
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    /**
     * PostgreSQL: the name of the savepoint to set ahead of the next statement, in its round trip
     * (see {@link #savepointWithNextStatement}); null when none is waiting.
     */
    private String pendingSavepoint;
    /** Whether the savepoint asked for last was sent (with a statement or alone). */
    private boolean savepointSent;
    /** Whether the transaction holds a savepoint this session set (one at most: each new one releases it). */
    private boolean savepointHeld;
    /**
     * PostgreSQL: writes whose answers nobody waits for, each ending in {@code "; "}, to send ahead
     * of the next statement, in its round trip (see {@link #defer}); those from {@link #ownFrom} on
     * are the current unit's, sent after its savepoint, the others before it.
     */
    private final StringBuilder deferred = new StringBuilder();
    private final List<Object> deferredArgs = new ArrayList<>();
    private int deferredCount;
    /** Where the current unit's deferred writes begin: offsets in the text, the arguments, the count. */
    private int ownFromText, ownFromArgs, ownFrom;

    SqlSession(Connection connection) {
        this.connection = connection;
    }

    /**
     * PostgreSQL: sets a savepoint of this name together with the next statement, in the same round
     * trip (the driver sends both, then reads both answers), instead of a round trip of its own. A
     * unit of the writer that runs no statement never sends it, and has nothing to roll back:
     * {@link #endSavepoint} tells which.
     *
     * <p>Writes deferred before this call (the previous unit's) go ahead of the savepoint, and the
     * savepoint the transaction holds, if any, is released ahead of them: when one of them fails, no
     * savepoint is left to roll back to, so the failure loses the transaction (as it must: the unit
     * that deferred them has ended) instead of being taken for this unit's.
     */
    void savepointWithNextStatement(String name) {
        pendingSavepoint = name;
        savepointSent = false;
        ownFromText = deferred.length();
        ownFromArgs = deferredArgs.size();
        ownFrom = deferredCount;
    }

    /** Ends what {@link #savepointWithNextStatement} asked for: true when the savepoint was set. */
    boolean endSavepoint() {
        boolean sent = savepointSent;
        pendingSavepoint = null;
        savepointSent = false;
        return sent;
    }

    /**
     * PostgreSQL: a write whose answer the caller does not need (no rows, no count), sent together
     * with the next statement or with the COMMIT, in their round trip, instead of in one of its own.
     * Its failure is reported by that statement or that COMMIT and loses the transaction: so only
     * for writes that can fail only with the transaction (rows the transaction holds locked).
     */
    void defer(String sql, Object... args) {
        deferred.append(sql).append("; ");
        deferredArgs.addAll(Arrays.asList(args));
        deferredCount++;
    }

    /** Forgets the current unit's deferred writes (it failed: rolling back to its savepoint undoes the rest). */
    void discardOwnDeferred() {
        deferred.setLength(ownFromText);
        deferredArgs.subList(ownFromArgs, deferredArgs.size()).clear();
        deferredCount = ownFrom;
    }

    private void discardAllDeferred() {
        deferred.setLength(0);
        deferredArgs.clear();
        deferredCount = 0;
        ownFromText = ownFromArgs = ownFrom = 0;
    }

    /** Runs a statement without parameters or results (BEGIN, COMMIT, SAVEPOINT, DDL). */
    void execute(String sql) {
        sendAheadAlone();
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    private static final Object[] NO_ARGS = {};

    /**
     * Runs a statement of transaction control that comes back again and again (BEGIN, COMMIT,
     * SAVEPOINT, a PRAGMA), from the statement cache: SQLite would otherwise compile it anew each
     * time, for every read and every unit of the writer.
     */
    void control(String sql) {
        sendAheadAlone();
        try {
            bind(sql, NO_ARGS).execute();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /**
     * Starts a transaction. SQLite: its BEGIN statement (IMMEDIATE for writes). PostgreSQL: the
     * driver's own transaction control, which sends BEGIN together with the first statement instead
     * of as a round trip of its own (a read is often one query: BEGIN and COMMIT as statements of
     * their own tripled its cost); the isolation level is the connection's (see PostgresConnections).
     */
    void begin(Dialect dialect, boolean write) {
        if (dialect == Dialect.SQLITE) {
            control(write ? dialect.beginWrite : dialect.beginRead);
            return;
        }
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw failure("BEGIN", e);
        }
    }

    /** Commits what {@link #begin} started. */
    void commit(Dialect dialect) {
        end(dialect, true);
    }

    /** Rolls back what {@link #begin} started. */
    void rollback(Dialect dialect) {
        end(dialect, false);
    }

    private void end(Dialect dialect, boolean commit) {
        if (commit) {
            sendAheadAlone();
        } else {
            discardAllDeferred();
            pendingSavepoint = null;
        }
        savepointHeld = false;
        if (dialect == Dialect.SQLITE) {
            control(commit ? "COMMIT" : "ROLLBACK");
            return;
        }
        try {
            if (commit) connection.commit();
            else connection.rollback();
        } catch (SQLException e) {
            throw failure(commit ? "COMMIT" : "ROLLBACK", e);
        } finally {
            try {
                connection.setAutoCommit(true); // no transaction is open: a flag, no round trip
            } catch (SQLException ignored) {
                // a broken connection; the pool discards it
            }
        }
    }

    /**
     * Runs several statements separated by {@code ;} (PostgreSQL) in one round trip: the driver
     * sends them all, then reads every answer; results are ignored, the first error is thrown.
     */
    void executeAll(String sql, Object... args) {
        try {
            if (hasPrefix()) withPrefix(sql, args);
            else bind(sql, args).execute();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    int update(String sql, Object... args) {
        try {
            if (!hasPrefix()) return bind(sql, args).executeUpdate();
            PreparedStatement ps = withPrefix(sql, args);
            return ps.getUpdateCount();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    <T> List<T> list(String sql, Row<T> row, Object... args) {
        try (ResultSet rs = query(sql, args)) {
            List<T> out = new ArrayList<>();
            while (rs.next()) out.add(row.map(rs));
            return out;
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    <T> Optional<T> first(String sql, Row<T> row, Object... args) {
        try (ResultSet rs = query(sql, args)) {
            return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** The first column of the first row, when there is a row and it is not NULL. */
    OptionalLong firstLong(String sql, Object... args) {
        try (ResultSet rs = query(sql, args)) {
            if (!rs.next()) return OptionalLong.empty();
            long v = rs.getLong(1);
            return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** The first column of every row, as longs. */
    long[] longs(String sql, Object... args) {
        try (ResultSet rs = query(sql, args)) {
            long[] out = new long[16];
            int n = 0;
            while (rs.next()) {
                if (n == out.length) out = Arrays.copyOf(out, n * 2);
                out[n++] = rs.getLong(1);
            }
            return Arrays.copyOf(out, n);
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** Runs an {@code INSERT ... RETURNING id} and returns the id. */
    long insertReturningId(String sql, Object... args) {
        return firstLong(sql, args).orElseThrow(() -> new StoreException("no id returned by: " + sql));
    }

    private ResultSet query(String sql, Object[] args) throws SQLException {
        if (!hasPrefix()) return bind(sql, args).executeQuery();
        PreparedStatement ps = withPrefix(sql, args);
        ResultSet rs = ps.getResultSet();
        if (rs == null) throw new SQLException("no rows returned by: " + sql);
        return rs;
    }

    /** Whether a savepoint or deferred writes wait to go ahead of the next statement. */
    private boolean hasPrefix() {
        return pendingSavepoint != null || deferredCount > 0;
    }

    /**
     * Runs what waits to go ahead ({@link #savepointWithNextStatement}, {@link #defer}), then
     * {@code sql}, in one round trip: the held savepoint's RELEASE, the previous units' deferred
     * writes, the SAVEPOINT, the current unit's; the statement is left at the answer of {@code sql}.
     * When it fails, the savepoint counts as set if the SAVEPOINT was not what failed (what comes
     * before it fails only in a transaction that is lost anyway, which rolling back to it then reports).
     */
    private PreparedStatement withPrefix(String sql, Object[] args) throws SQLException {
        StringBuilder text = new StringBuilder();
        int ahead = deferredCount;
        if (pendingSavepoint != null) {
            if (savepointHeld) {
                text.append("RELEASE SAVEPOINT ").append(pendingSavepoint).append("; ");
                ahead++;
            }
            text.append(deferred, 0, ownFromText).append("SAVEPOINT ").append(pendingSavepoint).append("; ")
                    .append(deferred, ownFromText, deferred.length());
            ahead++;
            savepointSent = true;
            savepointHeld = true;
        } else {
            text.append(deferred);
        }
        Object[] all = args;
        if (!deferredArgs.isEmpty()) {
            all = new Object[deferredArgs.size() + args.length];
            for (int i = 0; i < deferredArgs.size(); i++) all[i] = deferredArgs.get(i);
            System.arraycopy(args, 0, all, deferredArgs.size(), args.length);
        }
        pendingSavepoint = null;
        discardAllDeferred();
        PreparedStatement ps = bind(text + sql, all);
        ps.execute();
        for (int i = 0; i < ahead; i++) ps.getMoreResults(); // past their answers to the statement's
        return ps;
    }

    /** Sends what waits to go ahead of the next statement in a round trip of its own (nothing: none). */
    private void sendAheadAlone() {
        if (!hasPrefix()) return;
        try {
            withPrefix("SELECT 1", new Object[0]); // a statement to carry them
        } catch (SQLException e) {
            throw failure("SAVEPOINT or deferred writes", e);
        }
    }

    private PreparedStatement bind(String sql, Object[] args) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        ps.clearParameters();
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            int at = i + 1;
            switch (a) {
                case null -> throw new IllegalArgumentException("untyped null parameter in: " + sql);
                case Null n -> ps.setNull(at, n.sqlType());
                case Long l -> ps.setLong(at, l);
                case Integer n -> ps.setInt(at, n);
                case String s -> ps.setString(at, s);
                case byte[] b -> ps.setBytes(at, b);
                case String[] texts -> ps.setArray(at, connection.createArrayOf("text", texts)); // PostgreSQL only
                case long[] numbers -> ps.setArray(at, connection.createArrayOf("bigint", boxed(numbers))); // PostgreSQL only
                case Boolean b -> ps.setInt(at, b ? 1 : 0);
                default -> throw new IllegalArgumentException("unsupported parameter " + a.getClass());
            }
        }
        return ps;
    }

    private static Long[] boxed(long[] values) {
        Long[] out = new Long[values.length];
        for (int i = 0; i < values.length; i++) out[i] = values[i];
        return out;
    }

    /**
     * Whether {@code t} is a transaction that lost to a concurrent one (PostgreSQL's deadlock victim
     * or serialization failure, SQLSTATE 40P01 / 40001) and may simply be run again.
     */
    static boolean isConflict(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e && ("40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static StoreException failure(String sql, SQLException e) {
        return new StoreException("database error (" + e.getMessage() + ") in: " + sql, e);
    }

    @Override
    public void close() {
        for (PreparedStatement ps : statements.values()) closeQuietly(ps);
        statements.clear();
        try {
            connection.close();
        } catch (SQLException e) {
            System.getLogger("letterbox.store").log(System.Logger.Level.WARNING, "closing a database connection failed", e);
        }
    }

    private static void closeQuietly(Statement s) {
        try {
            s.close();
        } catch (SQLException ignored) {
            // closing a cached statement; the connection's close reports real trouble
        }
    }
}
