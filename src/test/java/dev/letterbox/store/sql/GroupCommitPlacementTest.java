package dev.letterbox.store.sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a unit runs and which commit takes it: an unsynced unit runs on its caller's thread when the
 * writer has nothing in hand and no other thread is writing, and waits its turn (riding in the synced
 * commit ahead of it) when the writer is busy.
 */
class GroupCommitPlacementTest {
    @TempDir
    Path dir;

    @Test
    void anUnsyncedUnitRunsOnItsCallersThreadWhenTheWriterIsIdle() throws Exception {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir)) {
            long account = newAccount(store, "idle@example.com");
            long inbox = mailboxId(store, account, "INBOX");
            Thread caller = Thread.currentThread();
            // The store's own housekeeping may keep the writer busy for a moment after opening.
            Thread unsyncedRanOn = null;
            for (int attempt = 0; attempt < 100 && unsyncedRanOn != caller; attempt++) {
                if (attempt > 0) Thread.sleep(20);
                unsyncedRanOn = unsyncedUnitRanOn(store, account, inbox);
            }
            assertSame(caller, unsyncedRanOn);
            Thread syncedRanOn = store.write(account, tx -> Thread.currentThread());
            assertNotSame(caller, syncedRanOn, "a synced unit waits for its fsync on the writer thread");
        }
    }

    @Test
    void anUnsyncedUnitGoesToTheWriterThreadWhenAnotherThreadWroteAMomentAgo() throws Exception {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir)) {
            long account = newAccount(store, "two@example.com");
            long inbox = mailboxId(store, account, "INBOX");
            Thread caller = Thread.currentThread();
            // The other thread's unsynced write runs in place too: once it returns, the writer has
            // nothing in hand, so only the other writer a moment ago keeps this unit off the caller's
            // thread. A stall past the window between the two lets it run in place: a few tries.
            boolean queued = false;
            for (int attempt = 0; attempt < 5 && !queued; attempt++) {
                Thread other = Thread.ofPlatform().start(() -> store.writeUnsynced(account, tx -> tx.claimRecent(inbox)));
                other.join();
                queued = unsyncedUnitRanOn(store, account, inbox) != caller;
            }
            assertTrue(queued, "with two threads writing, units share the writer thread's commits");
        }
    }

    /** Runs an unsynced unit (a \\Recent claim) and returns the thread it ran on. */
    private static Thread unsyncedUnitRanOn(SqlMailStore store, long account, long inbox) {
        return store.writeUnsynced(account, tx -> {
            tx.claimRecent(inbox);
            return Thread.currentThread();
        });
    }

    @Test
    void anUnsyncedUnitQueuedBehindASyncedOneRunsAfterItInTheSameCommit() throws Exception {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir)) {
            long account = newAccount(store, "busy@example.com");
            long inbox = mailboxId(store, account, "INBOX");
            store.write(account, tx -> tx.claimRecent(inbox)); // the code below runs warm: a group ends after 5 ms
            // A group also ends on its time limit, which a slow moment of a loaded machine can reach:
            // the two units must share a commit in one of a few tries (never, before they could).
            long commits = 0;
            for (int attempt = 0; attempt < 5 && commits != 2; attempt++) commits = commitsForHeldSyncedUnsynced(store, account, inbox);
            assertEquals(2, commits, "the unsynced unit rode in the synced unit's commit");
        }
    }

    /** Holds the writer, queues a synced then an unsynced unit behind it; the commits the three took. */
    private static long commitsForHeldSyncedUnsynced(SqlMailStore store, long account, long inbox) throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        long[] before = store.commitCounts();
        // holds the writer thread past its group's time limit, so the next two queue up for the next group
        CompletableFuture<Void> held = CompletableFuture.runAsync(() -> store.write(account, tx -> {
            running.countDown();
            await(release);
            sleepPastTheGroupTimeLimit();
            order.add("held");
            return null;
        }));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        Thread synced = waitingCaller(() -> store.write(account, tx -> {
            order.add("synced");
            return tx.claimRecent(inbox);
        }));
        Thread[] ranOn = new Thread[1];
        Thread unsynced = waitingCaller(() -> ranOn[0] = store.writeUnsynced(account, tx -> {
            order.add("unsynced");
            tx.claimRecent(inbox);
            return Thread.currentThread();
        }));
        release.countDown();
        held.get(10, TimeUnit.SECONDS);
        synced.join(10_000);
        unsynced.join(10_000);
        assertEquals(List.of("held", "synced", "unsynced"), order);
        assertNotSame(unsynced, ranOn[0]);
        long[] after = store.commitCounts();
        assertEquals(3, after[1] - before[1]);
        return after[0] - before[0];
    }

    /** Starts {@code write} on a thread of its own and returns once that thread waits for the writer. */
    private static Thread waitingCaller(Runnable write) throws InterruptedException {
        Thread t = Thread.ofPlatform().start(write);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) Thread.sleep(1);
        assertEquals(Thread.State.WAITING, t.getState(), "the write waits for the writer");
        return t;
    }

    private static void sleepPastTheGroupTimeLimit() {
        try {
            Thread.sleep(2 * TimeUnit.NANOSECONDS.toMillis(GroupCommitWriter.MAX_GROUP_NANOS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
