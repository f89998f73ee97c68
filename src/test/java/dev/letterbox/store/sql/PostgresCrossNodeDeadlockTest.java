package dev.letterbox.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.config.Config;
import dev.letterbox.store.AppendResult;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.StoreFixture;
import dev.letterbox.testing.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL database whose group commits lock two accounts' mailboxes in opposite
 * orders: node 1's group appends to alice then bob, node 2's to bob then alice. PostgreSQL breaks the
 * deadlock by failing one statement; the losing unit must then not be retried inside its group,
 * where the lock its own earlier unit holds keeps the cycle (found by the three-node failover test:
 * every write of the cluster stood still for six seconds, then a message was refused).
 */
@Timeout(60)
class PostgresCrossNodeDeadlockTest {
    @TempDir
    Path dir;

    @Test
    void aDeadlockBetweenTwoNodesGroupsCostsOneTimeoutAndNoWrite() throws Exception {
        String url = PostgresServer.shared().newDatabase();
        try (MailStore node1 = open(url); MailStore node2 = open(url)) {
            long alice = StoreFixture.newAccount(node1, "alice@example.com");
            long bob = StoreFixture.newAccount(node1, "bob@example.com");
            long aliceInbox = StoreFixture.mailboxId(node1, alice, "INBOX");
            long bobInbox = StoreFixture.mailboxId(node1, bob, "INBOX");
            // warm: each node's first append prepares its statements, too slow for the group's 5 ms
            long carol = StoreFixture.newAccount(node1, "carol@example.com");
            long carolInbox = StoreFixture.mailboxId(node1, carol, "INBOX");
            StoreFixture.append(node1, carol, carolInbox, "warm node 1");
            StoreFixture.append(node2, carol, carolInbox, "warm node 2");
            int deadlocks = 0;
            for (int round = 1; round <= 20 && deadlocks == 0; round++) {
                Duration took = round(node1, node2, alice, aliceInbox, bob, bobInbox);
                // one deadlock_timeout (1 s) to detect the cycle, not one per retry of the loser
                assertTrue(took.compareTo(Duration.ofSeconds(4)) < 0, "round " + round + ": the four appends took " + took);
                assertEquals(2 * round, StoreFixture.mailbox(node1, alice, aliceInbox).uidNext() - 1, "every append to alice");
                assertEquals(2 * round, StoreFixture.mailbox(node1, bob, bobInbox).uidNext() - 1, "every append to bob");
                System.out.println("round " + round + ": four appends in " + took.toMillis() + " ms");
                if (took.compareTo(Duration.ofMillis(900)) >= 0) deadlocks++; // PostgreSQL waited its deadlock_timeout
            }
            // a group slower than its 5 ms cap (a loaded machine) closes early and misses the cycle; twenty tries
            assertEquals(1, deadlocks, "no round formed the deadlock");
        }
    }

    /**
     * Node 1's group: append to alice, then (once node 2 holds bob) to bob; node 2's: bob, then alice.
     * Each group's first unit waits until the second is queued, so both run in one transaction.
     */
    private static Duration round(MailStore node1, MailStore node2, long alice, long aliceInbox, long bob, long bobInbox)
            throws Exception {
        var m1 = StoreFixture.message(node1, "from node 1");
        var m2 = StoreFixture.message(node2, "from node 2");
        CountDownLatch b1Queued = new CountDownLatch(1);
        CountDownLatch b2Queued = new CountDownLatch(1);
        CountDownLatch node1HoldsAlice = new CountDownLatch(1);
        CountDownLatch node2HoldsBob = new CountDownLatch(1);
        long started = System.nanoTime();
        CompletableFuture<AppendResult> a1 = node1.writeAsync(alice, tx -> {
            AppendResult r = tx.append(aliceInbox, m1);
            await(b1Queued);
            return r;
        });
        CompletableFuture<AppendResult> b1 = node1.writeAsync(bob, tx -> {
            node1HoldsAlice.countDown();
            await(node2HoldsBob);
            return tx.append(bobInbox, m1);
        });
        b1Queued.countDown();
        CompletableFuture<AppendResult> b2 = node2.writeAsync(bob, tx -> {
            AppendResult r = tx.append(bobInbox, m2);
            await(b2Queued);
            return r;
        });
        CompletableFuture<AppendResult> a2 = node2.writeAsync(alice, tx -> {
            node2HoldsBob.countDown();
            await(node1HoldsAlice);
            return tx.append(aliceInbox, m2);
        });
        b2Queued.countDown();
        for (CompletableFuture<AppendResult> f : List.of(a1, b1, b2, a2)) f.get(30, TimeUnit.SECONDS);
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static Void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) throw new IllegalStateException("the other node never got there");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return null;
    }

    private MailStore open(String url) {
        Config.Store config = new Config.Store(Config.Store.Backend.POSTGRESQL, Optional.of(url), Optional.empty(), 2,
                Config.Store.Blobs.FILES, dir.resolve("blobs"));
        return StoreFactory.postgresql(config, SqlMailStore.FREED_BLOB_GRACE);
    }
}
