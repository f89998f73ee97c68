package dev.letterbox.store.sql;

import dev.letterbox.store.StoreException;

import java.time.Duration;

/**
 * The store's chores, once a minute on a thread of their own: prune the change-feed rows, expired
 * locks and login-failure records, and expunge tombstones older than {@link #TOMBSTONE_RETENTION};
 * on PostgreSQL, measure the database clock again. Each chore is one small write; a failure (the
 * database is away) is logged once per outage and tried again the next minute.
 *
 * <p>Tombstones: QRESYNC (RFC 7162) answers "what was expunged since MODSEQ m" from them. Pruned,
 * a mailbox remembers the highest MODSEQ it forgot ({@code mailbox.vanished_horizon}); a client that
 * resynchronises from before it is told every UID it might know that no longer exists (VANISHED may
 * name UIDs that never existed, RFC 7162 §3.2.10), so forgetting costs a longer answer, never a
 * wrong one.
 */
final class Housekeeping implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("letterbox.store");
    static final Duration TOMBSTONE_RETENTION = Duration.ofDays(30);
    private static final long EVERY_MILLIS = 60_000;

    private final GroupCommitWriter writer;
    private final ReadPool reads;
    private final Dialect dialect;
    private final DatabaseClock clock;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean failing;

    Housekeeping(GroupCommitWriter writer, ReadPool reads, Dialect dialect, DatabaseClock clock) {
        this.writer = writer;
        this.reads = reads;
        this.dialect = dialect;
        this.clock = clock;
        this.thread = Thread.ofVirtual().name("letterbox-store-housekeeping").start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(EVERY_MILLIS);
            } catch (InterruptedException e) {
                if (!running) return;
            }
            try {
                runOnce(System.currentTimeMillis());
                failing = false;
            } catch (StoreException e) {
                if (running && !failing) LOG.log(System.Logger.Level.WARNING, "store housekeeping failed: " + e.getMessage());
                failing = true;
            }
        }
    }

    /** One round of every chore as of {@code now} (node time). */
    void runOnce(long now) {
        if (dialect == Dialect.POSTGRESQL) clock.measure(reads);
        long dbNow = clock.toDatabase(now);
        GroupCommitWriter.await(writer.submit((db, fx) -> ChangeLog.prune(db, now) + SqlCoordination.prune(db, dbNow)));
        GroupCommitWriter.await(writer.submit((db, fx) -> pruneTombstones(db, now - TOMBSTONE_RETENTION.toMillis())));
    }

    /** Forgets expunges recorded before {@code cutoff}, raising each mailbox's horizon past them. */
    static int pruneTombstones(SqlSession db, long cutoff) {
        db.update("UPDATE mailbox SET vanished_horizon = (SELECT max(e.modseq) FROM expunged e"
                + " WHERE e.mailbox_id = mailbox.id AND e.created < ?)"
                + " WHERE id IN (SELECT mailbox_id FROM expunged WHERE created < ?)", cutoff, cutoff);
        return db.update("DELETE FROM expunged WHERE created < ?", cutoff);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
