package dev.letterbox.store.sql;

import com.zaxxer.hikari.HikariDataSource;
import dev.letterbox.store.StoreException;

import java.sql.SQLException;

/**
 * Sessions over a HikariCP pool (a database server): each {@link #acquire} borrows a connection and
 * {@link #release} returns it. A connection that broke (the server restarted, the network dropped)
 * is thrown away by the pool and a new one made on the next borrow, so service resumes by itself
 * once the server is back; until then a borrow fails after the pool's connection timeout.
 */
final class PooledSessions implements SessionSource {
    /**
     * After a borrow failed, others fail at once for this long instead of each waiting out the
     * pool's timeout: while the database is down, a client hears "try again later" promptly and
     * one command of a session does not wait once per query it would have run.
     */
    private static final long FAIL_FAST_NANOS = 2_000_000_000L;

    private final HikariDataSource pool;
    private volatile long failedAt;
    private volatile boolean failed;
    private volatile String lastFailure = "";

    PooledSessions(HikariDataSource pool) {
        this.pool = pool;
    }

    @Override
    public SqlSession acquire() {
        if (failed && System.nanoTime() - failedAt < FAIL_FAST_NANOS) {
            throw new StoreException("the database is unavailable: " + lastFailure);
        }
        try {
            SqlSession session = new SqlSession(pool.getConnection());
            failed = false;
            return session;
        } catch (SQLException e) {
            lastFailure = e.getMessage();
            failedAt = System.nanoTime();
            failed = true;
            throw new StoreException("the database is unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public void release(SqlSession session) {
        session.close(); // closes its statements and returns the connection to the pool
    }

    @Override
    public int size() {
        return pool.getMaximumPoolSize();
    }

    @Override
    public void close() {
        pool.close();
    }
}
