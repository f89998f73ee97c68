package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.Change;
import dev.letterbox.store.ChangeBus;
import dev.letterbox.store.DurabilityHooks;
import dev.letterbox.store.StoreException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The only writer: one platform thread owning the one write connection, committing in groups.
 *
 * <p>Callers {@link #submit} units of work. The thread takes what is queued, opens one write
 * transaction, runs each unit after the first inside its own SAVEPOINT (a unit that throws is
 * rolled back to it, the first with the transaction, and fails alone), commits once (one fsync for
 * the whole group), then completes the units' futures, then announces their changes. A group is capped at
 * {@link #MAX_UNITS} units and about {@link #MAX_GROUP_NANOS} of work, so one burst cannot hold
 * back the durability of the first unit for long. While a group commits, the next one queues up:
 * the more writers, the bigger the groups, with no waiting added when there is a single writer.
 *
 * <p>Big blobs (files, or chunks in the database) whose last reference went are deleted by this
 * thread too, a grace period after the commit: a reader that looked up the message just before it
 * was expunged can still open the bytes. Deleting on this thread, between groups, after checking
 * that no later unit referred to the blob again, means no unit can start referring to a blob that
 * is being deleted.
 *
 * <p>Units submitted {@linkplain #submitUnsynced unsynced} (flag changes, \Recent claims) are
 * committed in groups of their own without waiting for a fsync: SQLite commits them with
 * {@code synchronous=NORMAL} (in WAL mode the commit reaches the operating system, not the disk),
 * PostgreSQL with {@code synchronous_commit = off}. A crash of this process loses none of them; a
 * crash of the machine may lose those of the last moments. Each later synced commit makes them
 * durable too (the log is one sequence: forcing it to a point forces everything before), and when
 * none comes, {@link #UNSYNCED_FLUSH_NANOS} after the first of them the writer forces them
 * itself ({@code flushUnsynced}; PostgreSQL's WAL writer does it on its own within a few hundred
 * milliseconds).
 *
 * <p>An unsynced unit queued behind a synced one rides along in its group's commit (it gets the
 * stronger promise, and the log is written once for all of them) rather than waiting for a commit
 * of its own. The other way round a group does not wait: one that began unsynced ends where a
 * synced unit comes, so flag changes never wait for a fsync that was not theirs to begin with.
 * (Measured under imaptest: making a group synced when a synced unit was anywhere in the queue
 * cost throughput: flag changes waited for fsyncs.)
 *
 * <p>An unsynced unit from the only thread writing at the moment ({@link #soleWriter}) runs at once
 * on the caller's own thread when the writer has nothing in hand (nothing queued, no group
 * running), under the same {@link #connection} lock the writer thread holds for each group: a flag
 * change then costs no hand-over to the writer thread and back (two wake-ups, a third of a lone
 * STORE's CPU), and it is still ordered after every write submitted before it. When several
 * threads write, units go through the queue even when the writer is idle: there they share
 * commits, and their SQL runs on the writer thread instead of a carrier the sessions need
 * (measured under imaptest: running every unsynced unit in place when the writer was idle cost
 * 5% of throughput).
 *
 * <p>Units run one at a time on the writer connection: they must be short and must not block, do
 * network I/O or wait for another write (that would deadlock; {@link #submit} refuses it).
 * Callers' own follow-up work never runs here: see {@link #submitDetached}.
 */
final class GroupCommitWriter {
    private static final System.Logger LOG = System.getLogger("letterbox.store");
    static final int MAX_UNITS = 64;
    static final long MAX_GROUP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** How long a commit made without a fsync of its own may wait for one (see the class comment). */
    static final long UNSYNCED_FLUSH_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * How long after another thread's write a caller is not alone: under load writes come every few
     * hundred microseconds from many sessions, and a lone client's come one per round trip.
     */
    static final long SOLE_WRITER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /** Forces to disk what this process committed without a fsync; does nothing where the engine does it itself. */
    @FunctionalInterface
    interface UnsyncedFlush {
        void run() throws IOException;
    }

    /** Work run on the writer connection inside a savepoint. */
    @FunctionalInterface
    interface Unit<T> {
        T run(SqlSession db, UnitEffects effects);
    }

    /** Most times a unit is run again after losing a deadlock or serialization conflict to another node. */
    static final int CONFLICT_RETRIES = 5;

    private final SessionSource sessions;
    private final Dialect dialect;
    private final String node;
    private final ChangeBus bus;
    private final SqlBlobStore blobs;
    private final DurabilityHooks hooks;
    private final MailboxIndexes indexes;
    private final long deleteGraceNanos;
    private final UnsyncedFlush unsyncedFlush;
    /** Writer thread only: when the first commit not yet forced to disk was made, or 0 when there is none. */
    private long unsyncedSince;
    /** Writer thread only, SQLite: whether the writer connection commits with synchronous=FULL now. */
    private boolean sqliteSynced = true;
    private final ArrayDeque<Freed> freed = new ArrayDeque<>(); // writer thread only, ordered by due time
    private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Pending<Void> stop = new Pending<>((db, fx) -> null, true);
    /** Queued by a commit made on a caller's thread that left timed work (a flush, a blob): the writer thread re-reads its due time. */
    private final Pending<Void> wake = new Pending<>((db, fx) -> null, false);
    /**
     * Held while the writer connection is in use: by the writer thread for each group and its timed
     * work, by a caller running its unsynced unit in place. Guards the writer-thread-only state.
     */
    private final ReentrantLock connection = new ReentrantLock();
    /** Units queued so far and units of those completed: equal when the writer has nothing in hand. */
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private volatile boolean stopped; // set by the writer thread, holding connection, once it has stopped
    /** The thread that submitted the latest unit, and when ({@link System#nanoTime}); see {@link #soleWriter}. */
    private volatile Thread lastSubmitter;
    private volatile long lastSubmitNanos;
    private final ReentrantLock submitLock = new ReentrantLock();
    private boolean closing; // guarded by submitLock
    private final Thread thread;
    private final AtomicLong groups = new AtomicLong();
    private final AtomicLong units = new AtomicLong();

    private record Freed(BlobId blob, long dueNanos) {}

    GroupCommitWriter(SessionSource sessions, Dialect dialect, String node, ChangeBus bus, SqlBlobStore blobs, Duration deleteGrace,
                      DurabilityHooks hooks, UnsyncedFlush unsyncedFlush, MailboxIndexes indexes) {
        this.sessions = sessions;
        this.dialect = dialect;
        this.node = node;
        this.bus = bus;
        this.blobs = blobs;
        this.hooks = hooks;
        this.indexes = indexes;
        this.deleteGraceNanos = deleteGrace.toNanos();
        this.unsyncedFlush = unsyncedFlush;
        this.thread = Thread.ofPlatform().name("letterbox-store-writer").daemon(true).unstarted(this::loop);
        thread.start();
    }

    <T> CompletableFuture<T> submit(Unit<T> unit) {
        return submit(unit, true);
    }

    /**
     * Like {@link #submit}, for a unit whose loss in a crash of the machine (not of this process) is
     * acceptable for about a second: its future completes once the commit is visible to every reader,
     * without waiting for the fsync (see the class comment).
     */
    <T> CompletableFuture<T> submitUnsynced(Unit<T> unit) {
        return submit(unit, false);
    }

    private <T> CompletableFuture<T> submit(Unit<T> unit, boolean synced) {
        if (Thread.currentThread() == thread || connection.isHeldByCurrentThread()) {
            throw new IllegalStateException("a store write cannot wait for another write; do both in one unit");
        }
        Pending<T> pending = new Pending<>(unit, synced);
        boolean sole = soleWriter();
        if (!synced && sole && runInPlace(pending)) return pending.future;
        pending.viaQueue = true;
        submitLock.lock();
        try {
            if (closing) throw new StoreException("the store is closed");
            queued.incrementAndGet();
            queue.add(pending);
        } finally {
            submitLock.unlock();
        }
        return pending.future;
    }

    /**
     * Whether the calling thread is the only one writing at the moment: no other thread submitted a
     * unit in the last {@link #SOLE_WRITER_NANOS}. Notes this submission for the next caller. A
     * heuristic (two callers at the same instant may both see themselves alone): it only chooses
     * where a unit runs, never whether it is ordered and committed.
     */
    private boolean soleWriter() {
        Thread me = Thread.currentThread();
        long now = System.nanoTime();
        Thread last = lastSubmitter;
        long at = lastSubmitNanos;
        lastSubmitter = me;
        lastSubmitNanos = now;
        return last == null || last == me || now - at > SOLE_WRITER_NANOS;
    }

    /**
     * Runs an unsynced unit on the caller's thread as a group of its own when the writer has nothing
     * in hand: nothing queued and nothing taken from the queue but not completed (checked while
     * holding the connection, which the writer thread holds from before it runs a unit until after
     * it completes it). False when the writer is busy: the unit is queued as usual.
     */
    private boolean runInPlace(Pending<?> pending) {
        if (!queue.isEmpty() || !connection.tryLock()) return false;
        try {
            if (stopped || queued.get() != finished.get()) return false;
            boolean timedWorkBefore = unsyncedSince != 0 || !freed.isEmpty();
            SqlSession db;
            try {
                db = sessions.acquire();
            } catch (StoreException e) {
                pending.failure = e;
                pending.complete();
                return true;
            }
            try {
                runGroup(db, pending, false);
            } finally {
                sessions.release(db);
            }
            if (!timedWorkBefore && (unsyncedSince != 0 || !freed.isEmpty())) queue.add(wake);
            return true;
        } finally {
            connection.unlock();
        }
    }

    /**
     * Like {@link #submit}, for futures handed to callers: their dependent stages ({@code thenApply}
     * and the like) run on a fresh virtual thread, never on the writer thread, where a slow stage
     * would hold up every write and a stage that writes would deadlock.
     */
    <T> CompletableFuture<T> submitDetached(Unit<T> unit) {
        return submit(unit).whenCompleteAsync((r, e) -> { }, GroupCommitWriter::startVirtual);
    }

    private static void startVirtual(Runnable r) {
        Thread.ofVirtual().name("letterbox-store-completion").start(r);
    }

    /** Waits for a unit, rethrowing its own exception (a MailboxException stays one). */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new StoreException("store write failed", cause);
        } catch (CancellationException e) {
            throw new StoreException("store write cancelled", e);
        }
    }

    /** Groups committed so far and units in them (for tests and measurements). */
    long groupsCommitted() {
        return groups.get();
    }

    long unitsCommitted() {
        return units.get();
    }

    /** Runs what was submitted before, then stops the thread. Idempotent. */
    void close() {
        submitLock.lock();
        try {
            if (!closing) {
                closing = true;
                queue.add(stop);
            }
        } finally {
            submitLock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        long due = Long.MAX_VALUE;
        while (true) {
            Pending<?> first;
            try {
                first = due == Long.MAX_VALUE ? queue.take() : queue.poll(due - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                continue; // only close() ends the writer, by the stop marker, so nothing queued is lost
            }
            if (first == stop) break;
            connection.lock();
            try {
                if (first != null && first != wake && runGroup(first)) break;
                flushUnsynced(false);
                deleteFreedBlobs(false);
            } catch (Throwable t) {
                // Not expected (units' failures are caught per unit); keep the writer alive regardless.
                LOG.log(System.Logger.Level.ERROR, "store writer failed", t);
            } finally {
                due = nextDue();
                connection.unlock();
            }
        }
        connection.lock();
        try {
            stopped = true;
            flushUnsynced(true);
            deleteFreedBlobs(true);
        } finally {
            connection.unlock();
        }
        Pending<?> left;
        while ((left = queue.poll()) != null) {
            if (left != stop && left != wake) {
                left.failure = new StoreException("the store is closed");
                left.complete();
            }
        }
    }

    /** Runs and commits one group starting with {@code first}; true when the stop marker was reached. */
    private boolean runGroup(Pending<?> first) {
        SqlSession db;
        try {
            db = sessions.acquire();
        } catch (StoreException e) {
            return failWaiting(first, e);
        }
        try {
            return runGroup(db, first, true);
        } finally {
            sessions.release(db);
        }
    }

    /**
     * No connection (the database server is down): fails {@code first} and everything queued behind
     * it at once, rather than each waiting out the pool's timeout in turn. True when the stop marker
     * was among them.
     */
    private boolean failWaiting(Pending<?> first, StoreException cause) {
        LOG.log(System.Logger.Level.ERROR, "store write failed: " + cause.getMessage());
        first.failure = cause;
        first.complete();
        boolean stopSeen = false;
        for (Pending<?> p; (p = queue.poll()) != null; ) {
            if (p == stop) {
                stopSeen = true;
                continue;
            }
            if (p == wake) continue;
            p.failure = cause;
            p.complete();
        }
        return stopSeen;
    }

    /** How one unit's run in its savepoint ended. */
    private enum Run {
        /** Done (or failed on its own): the transaction goes on. */
        DONE,
        /** The transaction is no longer usable: nothing of the group can be committed. */
        LOST,
        /**
         * Lost a deadlock to another node while earlier units of the group hold locks: rolled back
         * to its savepoint, to be run again first in a transaction of its own.
         */
        RUN_ALONE
    }

    /**
     * Runs and commits groups from {@code first} on until the queue is empty for now; true when the
     * stop marker was reached. A unit that lost a deadlock behind other units of its group starts
     * the next transaction: the cycle may run through the locks those units hold (another node's
     * group waits for their mailbox while holding the one this unit needs), which rolling back this
     * unit's savepoint does not release, so running it again in the same transaction would only lose
     * again, the whole group waiting a deadlock timeout each time. Committing the others first ends
     * the cycle. {@code fromQueue} false: {@code first} alone, run in place (see {@link #runInPlace}).
     */
    private boolean runGroup(SqlSession db, Pending<?> first, boolean fromQueue) {
        boolean stopSeen = false;
        for (Pending<?> start = first; start != null; ) {
            List<Pending<?>> group = new ArrayList<>();
            group.add(start);
            boolean synced = start.synced;
            try {
                syncCommits(db, synced);
                db.begin(dialect, true);
            } catch (StoreException e) {
                start.failure = e;
                start.complete();
                return stopSeen;
            }
            long started = System.nanoTime();
            Pending<?> alone = null, next = null;
            boolean holding = false; // a unit of this transaction has done its work: the transaction keeps it
            Run run;
            for (Pending<?> p = start; ; ) {
                run = runUnit(db, p, holding);
                holding |= run == Run.DONE && p.failure == null;
                if (run == Run.RUN_ALONE) {
                    group.remove(p);
                    alone = p;
                    break;
                }
                if (!fromQueue || run == Run.LOST || group.size() >= MAX_UNITS || System.nanoTime() - started > MAX_GROUP_NANOS) break;
                do {
                    p = queue.poll();
                } while (p == wake);
                if (p == null) break;
                if (p == stop) {
                    stopSeen = true;
                    break;
                }
                if (p.synced && !synced) { // came after the group began unsynced: it waits for a synced commit
                    next = p;
                    break;
                }
                group.add(p);
            }
            if (run == Run.LOST) {
                if (next != null) group.add(next);
                failGroup(db, group, new StoreException("the transaction was lost; nothing of this group was written"));
                return stopSeen;
            }
            try {
                commit(db, group, synced);
            } catch (StoreException e) {
                if (alone != null) group.add(alone);
                if (next != null) group.add(next);
                failGroup(db, group, e);
                return stopSeen;
            }
            groups.incrementAndGet();
            units.addAndGet(group.size());
            afterCommit(group);
            start = alone != null ? alone : next;
        }
        return stopSeen;
    }

    /** When the writer must next wake up without new work: a freed blob's grace or an unsynced commit's flush. */
    private long nextDue() {
        long due = Long.MAX_VALUE;
        if (!freed.isEmpty()) due = freed.peekFirst().dueNanos();
        if (unsyncedSince != 0) due = Math.min(due, unsyncedSince + UNSYNCED_FLUSH_NANOS);
        return due;
    }

    /**
     * SQLite: the writer connection's synchronous setting, changed only between transactions and only
     * when a group of the other kind comes (PostgreSQL sets it inside the transaction, see {@link #commit}).
     */
    private void syncCommits(SqlSession db, boolean synced) {
        if (dialect != Dialect.SQLITE || synced == sqliteSynced) return;
        db.control(synced ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        sqliteSynced = synced;
    }

    /** Forces the unsynced commits to disk once they have waited long enough, or now ({@code all}, at close). */
    private void flushUnsynced(boolean all) {
        if (unsyncedSince == 0 || (!all && System.nanoTime() - unsyncedSince < UNSYNCED_FLUSH_NANOS)) return;
        try {
            hooks.beforeSync(DurabilityHooks.Sync.UNSYNCED_COMMITS);
            unsyncedFlush.run();
            hooks.synced(DurabilityHooks.Sync.UNSYNCED_COMMITS);
            unsyncedSince = 0;
        } catch (IOException | RuntimeException e) {
            // Tried again at the next wake-up; meanwhile any synced commit makes them durable too.
            unsyncedSince = System.nanoTime();
            LOG.log(System.Logger.Level.WARNING, "forcing unsynced commits to disk failed: " + e);
        }
    }

    /**
     * COMMIT. The changes of the group's successful units are made known to the other nodes first:
     * SQLite's change-log rows, PostgreSQL's notifications in the same round trip as the COMMIT
     * (see {@link ChangeLog#announceAndCommit}). For a
     * synced group, the fsync every unit of it is waiting for (it also makes every earlier unsynced
     * commit durable); for an unsynced one, visible to readers at once and on disk by
     * {@link #flushUnsynced} at the latest.
     */
    private void commit(SqlSession db, List<Pending<?>> group, boolean synced) {
        if (dialect == Dialect.SQLITE) ChangeLog.record(db, node, changesOf(group), System.currentTimeMillis());
        if (synced) {
            try {
                hooks.beforeSync(DurabilityHooks.Sync.DATABASE_COMMIT);
            } catch (IOException e) {
                throw new StoreException("database error (" + e.getMessage() + ") in: COMMIT", e);
            }
        }
        if (dialect == Dialect.POSTGRESQL) ChangeLog.announceAndCommit(db, node, changesOf(group), synced);
        else db.commit(dialect);
        if (synced) {
            unsyncedSince = 0;
            hooks.synced(DurabilityHooks.Sync.DATABASE_COMMIT);
        } else if (unsyncedSince == 0) {
            unsyncedSince = System.nanoTime();
        }
    }

    /**
     * Runs one unit so that its failure undoes its own work only: in a savepoint when units before
     * it in the transaction did theirs ({@code behindOthers}); alone in the transaction otherwise,
     * when rolling back the transaction undoes the same, and the SAVEPOINT round trip is saved
     * (most groups are one unit when the load is light). A unit that lost a deadlock or a
     * serialization conflict to another node's transaction (PostgreSQL) is rolled back, which drops
     * its own locks, and run again, up to {@link #CONFLICT_RETRIES} times; when units before it hold
     * locks, it is not run again here but alone (see {@link #runGroup(SqlSession, Pending)}).
     */
    private Run runUnit(SqlSession db, Pending<?> p, boolean behindOthers) {
        for (int attempt = p.conflicts; ; attempt++) {
            if (behindOthers && dialect == Dialect.POSTGRESQL) {
                db.savepointWithNextStatement("unit"); // in the unit's first round trip, not one of its own
            } else if (behindOthers) {
                try {
                    savepointControl(db, "SAVEPOINT unit");
                } catch (StoreException e) {
                    p.failure = e;
                    return Run.LOST;
                }
            }
            try {
                // No RELEASE of its own, a round trip less: on SQLite the savepoint can stay until
                // COMMIT ends them all, the next unit's SAVEPOINT of the same name hiding it (ROLLBACK
                // TO finds the newest); PostgreSQL's next unit releases it in its first round trip.
                p.run(db);
                p.failure = null;
                db.endSavepoint();
                return Run.DONE;
            } catch (Throwable t) {
                p.failure = t;
                db.discardOwnDeferred(); // rolled back with it; the units' before it still go
                // PostgreSQL: a unit that failed before its first statement has set no savepoint and
                // changed nothing; rolling back to "unit" would undo the unit before it.
                boolean setSavepoint = dialect != Dialect.POSTGRESQL || db.endSavepoint();
                try {
                    if (behindOthers) {
                        if (setSavepoint) savepointControl(db, "ROLLBACK TO unit");
                    } else {
                        db.rollback(dialect);
                        db.begin(dialect, true); // the units after it still need a transaction
                    }
                } catch (StoreException e) {
                    t.addSuppressed(e);
                    return Run.LOST;
                }
                if (attempt >= CONFLICT_RETRIES || !SqlSession.isConflict(t)) return Run.DONE;
                if (behindOthers) {
                    p.conflicts = attempt + 1;
                    return Run.RUN_ALONE;
                }
            }
        }
    }

    /** SQLite runs these from its statement cache (see SqlSession#control); PostgreSQL as plain statements. */
    private void savepointControl(SqlSession db, String sql) {
        if (dialect == Dialect.SQLITE) db.control(sql);
        else db.execute(sql);
    }

    private void failGroup(SqlSession db, List<Pending<?>> group, StoreException cause) {
        try {
            db.rollback(dialect);
        } catch (StoreException e) {
            cause.addSuppressed(e);
        }
        LOG.log(System.Logger.Level.ERROR, "store write transaction failed", cause);
        for (Pending<?> p : group) {
            if (p.failure == null || p.failure instanceof StoreException) p.failure = cause;
            p.effects = null;
            p.complete();
        }
    }

    /**
     * Announces the group's changes, then tells its writers they are done: a client that has heard
     * its command succeed can count on every other session of the account to see the change at its
     * next command (an IMAP EXPUNGE sent right after another session's EXPUNGE was answered must
     * report it). Listeners only note the change (see ChangeBus), so the writers wait no longer.
     * The in-memory indexes get each unit's effect first (a non-blocking hand-over), so a session
     * that hears of the change finds it there.
     */
    private void afterCommit(List<Pending<?>> group) {
        Set<Change> changes = changesOf(group);
        long due = System.nanoTime() + deleteGraceNanos;
        for (Pending<?> p : group) {
            if (p.failure == null) {
                indexes.committed(p.effects.deltas(), p.effects.changes());
                blobs.persisted(p.effects.persistedBlobs());
                for (BlobId blob : p.effects.freedBlobs()) freed.add(new Freed(blob, due));
            }
        }
        for (Change change : changes) bus.publish(change);
        for (Pending<?> p : group) p.complete();
    }

    /** The changes of the group's units that succeeded, each once, in order. */
    private static Set<Change> changesOf(List<Pending<?>> group) {
        Set<Change> changes = new LinkedHashSet<>();
        for (Pending<?> p : group) {
            if (p.failure == null) changes.addAll(p.effects.changes());
        }
        return changes;
    }

    /** Deletes the freed blobs whose grace period is over, or all of them (at close). */
    private void deleteFreedBlobs(boolean all) {
        long now = System.nanoTime();
        while (!freed.isEmpty() && (all || freed.peekFirst().dueNanos() - now <= 0)) {
            deleteFreed(freed.poll().blob());
        }
    }

    /** Deletes a freed blob's bytes, unless a later unit referred to the blob again (its row is back). */
    private void deleteFreed(BlobId blob) {
        try {
            SqlSession db = sessions.acquire();
            try {
                if (BlobRefs.hasRow(db, blob.value())) return;
            } finally {
                sessions.release(db);
            }
            blobs.deleteFreed(blob);
        } catch (IOException | StoreException e) {
            // The bytes stay as an orphan; the sweep at the next start removes them.
            LOG.log(System.Logger.Level.WARNING, "could not delete freed blob " + blob, e);
        }
    }

    private final class Pending<T> {
        final Unit<T> unit;
        /** Whether the caller waits for the fsync (see {@link #submitUnsynced}). */
        final boolean synced;
        final CompletableFuture<T> future = new CompletableFuture<>();
        UnitEffects effects;
        T result;
        Throwable failure;
        int conflicts; // deadlocks lost so far, counted against CONFLICT_RETRIES
        boolean viaQueue; // submitted through the queue (counted in queued/finished), not run in place

        Pending(Unit<T> unit, boolean synced) {
            this.unit = unit;
            this.synced = synced;
        }

        void run(SqlSession db) {
            UnitEffects fx = new UnitEffects();
            result = unit.run(db, fx);
            fx.finish(db);
            effects = fx;
        }

        void complete() {
            if (viaQueue) finished.incrementAndGet();
            if (failure != null) future.completeExceptionally(failure);
            else future.complete(result);
        }
    }
}
