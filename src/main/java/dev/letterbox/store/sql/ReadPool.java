package dev.letterbox.store.sql;

import dev.letterbox.store.StoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A few read-only connections. Each {@link #read} borrows one and runs inside one read transaction,
 * so everything it sees is one snapshot (WAL lets it run alongside the writer). The semaphore, not
 * a monitor, makes callers wait: a virtual thread parks instead of pinning its carrier.
 */
final class ReadPool implements AutoCloseable {
    private final Dialect dialect;
    private final List<SqlSession> all;
    private final ConcurrentLinkedQueue<SqlSession> idle;
    private final Semaphore permits;
    private volatile boolean closed;

    ReadPool(Dialect dialect, List<SqlSession> sessions) {
        this.dialect = dialect;
        this.all = List.copyOf(sessions);
        this.idle = new ConcurrentLinkedQueue<>(sessions);
        this.permits = new Semaphore(sessions.size(), true);
    }

    <T> T read(Function<SqlSession, T> work) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a database connection");
        }
        SqlSession db = closed ? null : idle.poll();
        try {
            if (db == null) throw new StoreException("the store is closed");
            db.execute(dialect.beginRead);
            boolean ok = false;
            try {
                T result = work.apply(db);
                ok = true;
                return result;
            } finally {
                end(db, ok);
            }
        } finally {
            if (db != null) idle.add(db);
            permits.release();
        }
    }

    /**
     * Runs {@code work} once on every connection of the pool, each outside any transaction, while
     * holding them all (so it waits for reads in progress). For checking the connections' settings.
     */
    <T> List<T> onEachConnection(Function<SqlSession, T> work) {
        try {
            permits.acquire(all.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the database connections");
        }
        try {
            if (closed) throw new StoreException("the store is closed");
            List<T> out = new ArrayList<>();
            for (SqlSession db : all) out.add(work.apply(db));
            return out;
        } finally {
            permits.release(all.size());
        }
    }

    private static void end(SqlSession db, boolean ok) {
        try {
            db.execute("COMMIT");
        } catch (StoreException e) {
            if (ok) throw e;
            // the work already failed; its exception is the one to report
        }
    }

    /** Waits (briefly) for reads in progress, then closes every connection. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        boolean quiet = false;
        try {
            quiet = permits.tryAcquire(all.size(), 10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        idle.clear();
        for (SqlSession db : all) db.close();
        if (quiet) permits.release(all.size());
    }
}
