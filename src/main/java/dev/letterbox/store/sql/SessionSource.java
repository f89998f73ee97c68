package dev.letterbox.store.sql;

/**
 * Where the store's sessions come from: a backend's connections. The readers and the writer each
 * have their own source. A session is taken for one transaction's work and given back after it, so a
 * source may hand out a new connection when the last one broke (the database restarted).
 */
interface SessionSource extends AutoCloseable {
    /** A session for one transaction; waits while all are in use. */
    SqlSession acquire();

    /** Gives back a session {@link #acquire} returned. */
    void release(SqlSession session);

    /** How many sessions may be out at once. */
    int size();

    @Override
    void close();
}
