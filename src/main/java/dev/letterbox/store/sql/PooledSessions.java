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
    private final HikariDataSource pool;

    PooledSessions(HikariDataSource pool) {
        this.pool = pool;
    }

    @Override
    public SqlSession acquire() {
        try {
            return new SqlSession(pool.getConnection());
        } catch (SQLException e) {
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
