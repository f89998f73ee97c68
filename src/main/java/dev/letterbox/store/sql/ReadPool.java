package dev.letterbox.store.sql;

import java.util.function.Function;

/**
 * The store's reads. Each {@link #read} takes a session from its source and runs inside one read
 * transaction, so everything it sees is one snapshot (SQLite's WAL and PostgreSQL's MVCC let it run
 * alongside the writer).
 */
final class ReadPool implements AutoCloseable {
    private final Dialect dialect;
    private final SessionSource sessions;

    ReadPool(Dialect dialect, SessionSource sessions) {
        this.dialect = dialect;
        this.sessions = sessions;
    }

    <T> T read(Function<SqlSession, T> work) {
        SqlSession db = sessions.acquire();
        try {
            db.begin(dialect, false);
            boolean ok = false;
            try {
                T result = work.apply(db);
                ok = true;
                return result;
            } finally {
                end(db, ok);
            }
        } finally {
            sessions.release(db);
        }
    }

    /**
     * Work of ONE statement, run without BEGIN and COMMIT around it: a single statement sees one
     * snapshot by itself on both databases, and on PostgreSQL the two transaction statements cost
     * as much as a short query each (many look-ups of a delivery or a login are one query).
     */
    <T> T readOne(Function<SqlSession, T> work) {
        return autocommit(work);
    }

    /**
     * Runs outside any read transaction, for work that commits on its own (a database blob's chunk
     * written while the message is still arriving).
     */
    <T> T autocommit(Function<SqlSession, T> work) {
        SqlSession db = sessions.acquire();
        try {
            return work.apply(db);
        } finally {
            sessions.release(db);
        }
    }

    private void end(SqlSession db, boolean ok) {
        try {
            if (ok) db.commit(dialect);
            else db.rollback(dialect);
        } catch (RuntimeException e) {
            if (ok) throw e;
            // the work already failed; its exception is the one to report
        }
    }

    @Override
    public void close() {
        sessions.close();
    }
}
