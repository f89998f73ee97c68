package dev.letterbox.store.sql;

import dev.letterbox.store.StoreException;
import dev.letterbox.testing.PostgresServer;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A unit's deferred writes ({@link SqlSession#defer}) ride with the next unit's first statement, as
 * the writer runs units (see GroupCommitWriter#runUnit): when one of them fails, no savepoint may be
 * left to roll back to, or the next unit would be rolled back alone and the one that deferred them
 * committed without them. When the next unit's own statement fails, its savepoint undoes it alone.
 */
class DeferredWritesTest {
    private static SqlSession session() throws Exception {
        String url = PostgresServer.shared().newDatabase();
        SqlSession db = new SqlSession(DriverManager.getConnection(
                PostgresServer.shared().jdbcUrl(url.substring(url.lastIndexOf('/') + 1))));
        db.execute("CREATE TABLE t (n BIGINT PRIMARY KEY CHECK (n > 0))");
        return db;
    }

    private static List<Long> rows(SqlSession db) {
        return db.list("SELECT n FROM t ORDER BY n", rs -> rs.getLong(1));
    }

    @Test
    void theNextUnitsFailureUndoesItAloneAndTheDeferredWritesStay() throws Exception {
        try (SqlSession db = session()) {
            db.begin(Dialect.POSTGRESQL, true);
            db.update("INSERT INTO t VALUES (?)", 1L); // unit 1, alone in the transaction so far
            db.defer("INSERT INTO t VALUES (?)", 2L);
            db.savepointWithNextStatement("unit"); // unit 2
            assertThrows(StoreException.class, () -> db.update("INSERT INTO t VALUES (?)", 1L)); // its own failure
            assertTrue(db.endSavepoint());
            db.execute("ROLLBACK TO unit");
            db.savepointWithNextStatement("unit"); // unit 3: releases unit 2's savepoint
            db.update("INSERT INTO t VALUES (?)", 3L);
            db.endSavepoint();
            db.defer("INSERT INTO t VALUES (?)", 4L);
            db.commit(Dialect.POSTGRESQL); // unit 3's deferred write goes with the COMMIT
            assertEquals(List.of(1L, 2L, 3L, 4L), rows(db));
        }
    }

    @Test
    void aDeferredWriteThatFailsLeavesNoSavepointToRollBackTo() throws Exception {
        try (SqlSession db = session()) {
            db.begin(Dialect.POSTGRESQL, true);
            db.update("INSERT INTO t VALUES (?)", 1L);
            db.savepointWithNextStatement("unit"); // unit 2 sets a savepoint, then defers a write that fails
            db.update("INSERT INTO t VALUES (?)", 2L);
            db.endSavepoint();
            db.defer("INSERT INTO t VALUES (?)", -2L);
            db.savepointWithNextStatement("unit"); // unit 3 carries it
            assertThrows(StoreException.class, () -> db.update("INSERT INTO t VALUES (?)", 3L));
            assertTrue(db.endSavepoint());
            // unit 2's savepoint was released ahead of its deferred write: nothing to roll back to
            assertThrows(StoreException.class, () -> db.execute("ROLLBACK TO unit"));
            db.rollback(Dialect.POSTGRESQL);
            assertEquals(List.of(), rows(db));
        }
    }

    @Test
    void aFailedUnitsOwnDeferredWritesGoButTheUnitsBeforeItStay() throws Exception {
        try (SqlSession db = session()) {
            db.begin(Dialect.POSTGRESQL, true);
            db.update("INSERT INTO t VALUES (?)", 1L);
            db.defer("INSERT INTO t VALUES (?)", 2L);
            db.savepointWithNextStatement("unit"); // unit 2 defers before any statement, then fails
            db.defer("INSERT INTO t VALUES (?)", 20L);
            db.discardOwnDeferred();
            boolean set = db.endSavepoint();
            assertEquals(false, set, "it sent nothing: no savepoint to roll back to");
            db.commit(Dialect.POSTGRESQL);
            assertEquals(List.of(1L, 2L), rows(db));
        }
    }
}
