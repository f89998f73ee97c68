package dev.letterbox.store.sql;

import dev.letterbox.store.StoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A fixed set of sessions opened once (the embedded database: a file that does not go away). The
 * semaphore, not a monitor, makes callers wait: a virtual thread parks instead of pinning its carrier.
 */
final class FixedSessions implements SessionSource {
    private final List<SqlSession> all;
    private final ConcurrentLinkedQueue<SqlSession> idle;
    private final Semaphore permits;
    private volatile boolean closed;

    FixedSessions(List<SqlSession> sessions) {
        this.all = List.copyOf(sessions);
        this.idle = new ConcurrentLinkedQueue<>(sessions);
        this.permits = new Semaphore(sessions.size(), true);
    }

    @Override
    public SqlSession acquire() {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a database connection");
        }
        SqlSession db = closed ? null : idle.poll();
        if (db == null) {
            permits.release();
            throw new StoreException("the store is closed");
        }
        return db;
    }

    @Override
    public void release(SqlSession session) {
        idle.add(session);
        permits.release();
    }

    @Override
    public int size() {
        return all.size();
    }

    /**
     * Runs {@code work} once on every session, each outside any transaction, while holding them all
     * (so it waits for work in progress). For checking the connections' settings.
     */
    <T> List<T> onEach(Function<SqlSession, T> work) {
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

    /** Waits (briefly) for work in progress, then closes every session. */
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
