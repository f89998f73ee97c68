package dev.letterbox.store.sql;

import dev.letterbox.config.Config;
import dev.letterbox.store.AppendResult;
import dev.letterbox.store.FlagUpdate;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.NewMessage;
import dev.letterbox.testing.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.message;
import static dev.letterbox.store.StoreFixture.newAccount;
import static dev.letterbox.store.StoreFixture.usedBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Many concurrent writers: all committed, in shared transactions, each failure isolated, on both
 * backends. Some units fail after writing, some before running any statement: on PostgreSQL a
 * unit's savepoint travels with its first statement, so one that ran none has none to roll back to
 * (rolling back to "unit" there would undo the unit before it).
 */
class GroupCommitTest {
    @TempDir
    Path dir;

    /** Thrown by the units that are meant to fail, after they have written something. */
    static final class Planned extends RuntimeException {
        Planned(int n) {
            super("planned failure " + n);
        }
    }

    @Test
    void concurrentWritersAreCommittedTogetherAndFailAlone() throws Exception {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir)) {
            writeConcurrently(store);
        }
    }

    @Test
    void concurrentWritersAreCommittedTogetherAndFailAloneOnPostgres() throws Exception {
        try (SqlMailStore store = postgresStore()) {
            writeConcurrently(store);
        }
    }

    @Test
    void concurrentFlagChangesAreKeptOrUndoneEachAlone() throws Exception {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir)) {
            changeFlagsConcurrently(store);
        }
    }

    /**
     * On PostgreSQL a STORE's writes go with the next unit's first statement or the COMMIT
     * (SqlSession#defer): a unit behind it must see them, and a unit that fails after its STORE must
     * take its own deferred writes with it, not another's.
     */
    @Test
    void concurrentFlagChangesAreKeptOrUndoneEachAloneOnPostgres() throws Exception {
        try (SqlMailStore store = postgresStore()) {
            changeFlagsConcurrently(store);
        }
    }

    /** A store on a new database of the tests' PostgreSQL cluster. */
    private SqlMailStore postgresStore() {
        Config.Store config = new Config.Store(Config.Store.Backend.POSTGRESQL,
                Optional.of(PostgresServer.shared().newDatabase()), Optional.empty(), 4, Config.Store.Blobs.FILES,
                dir.resolve("blobs"));
        return StoreFactory.postgresql(config, Duration.ofMillis(50));
    }

    /**
     * Unit k adds keyword "kk" to message k % 4 + 1; every fifth fails after its STORE, every
     * fifth (another) adds a second keyword to the same message in a second statement of the unit.
     */
    private static void changeFlagsConcurrently(SqlMailStore store) throws Exception {
        int writers = 120;
        long a = newAccount(store, "flags@example.com");
        long inbox = mailboxId(store, a, "INBOX");
        for (int i = 1; i <= 4; i++) dev.letterbox.store.StoreFixture.append(store, a, inbox, "message " + i);
        List<Future<Long>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int n = 0; n < writers; n++) {
                int k = n;
                results.add(threads.submit(() -> store.write(a, tx -> {
                    long[] uid = {k % 4 + 1};
                    long modSeq = tx.storeFlags(inbox, uid, FlagUpdate.Mode.ADD, Flags.of(0, List.of("k" + k)),
                            OptionalLong.empty()).changed().getFirst().modSeq();
                    if (k % 5 == 2) {
                        var second = tx.storeFlags(inbox, uid, FlagUpdate.Mode.ADD, Flags.of(0, List.of("again" + k)),
                                OptionalLong.empty()).changed().getFirst();
                        assertEquals(modSeq, second.modSeq(), "one MODSEQ for the unit");
                        assertTrue(second.flags().keywords().contains("k" + k), "the unit sees its first change");
                    }
                    if (k % 5 == 4) throw new Planned(k);
                    return modSeq;
                })));
            }
        }
        Set<Long> modSeqs = new HashSet<>();
        List<MessageMeta> messages = store.read(a, tx -> tx.messages(inbox, 1, 4, 10));
        for (int n = 0; n < writers; n++) {
            Set<String> keywords = new HashSet<>(messages.get(n % 4).flags().keywords());
            try {
                long modSeq = results.get(n).get();
                assertTrue(n % 5 != 4, "unit " + n + " should have failed");
                assertTrue(modSeqs.add(modSeq), "a MODSEQ of its own for unit " + n);
                assertTrue(keywords.contains("k" + n), "unit " + n + "'s keyword is kept");
                assertEquals(n % 5 == 2, keywords.contains("again" + n), "unit " + n + "'s second keyword");
            } catch (java.util.concurrent.ExecutionException e) {
                assertInstanceOf(Planned.class, e.getCause());
                assertTrue(!keywords.contains("k" + n), "failed unit " + n + "'s keyword is undone");
            }
        }
        long highest = store.read(a, tx -> tx.mailbox(inbox)).orElseThrow().highestModSeq();
        assertEquals(java.util.Collections.max(modSeqs), highest, "HIGHESTMODSEQ is the last unit's");
        for (MessageMeta m : messages) assertTrue(m.modSeq() <= highest);
    }

    private static void writeConcurrently(SqlMailStore store) throws Exception {
        int writers = 200;
        long[] accounts = new long[4];
        long[] inboxes = new long[4];
        for (int i = 0; i < accounts.length; i++) {
            accounts[i] = newAccount(store, "user" + i + "@example.com");
            inboxes[i] = mailboxId(store, accounts[i], "INBOX");
        }
        long[] before = store.commitCounts();
        List<Future<AppendResult>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int n = 0; n < writers; n++) {
                int k = n;
                results.add(threads.submit(() -> {
                    int which = k % accounts.length;
                    NewMessage m = message(store, "message " + k);
                    return store.write(accounts[which], tx -> {
                        if (k % 5 == 3) throw new Planned(k); // before any statement
                        AppendResult r = tx.append(inboxes[which], m);
                        if (k % 5 == 0) throw new Planned(k); // after its writes
                        return r;
                    });
                }));
            }
        }
        int failed = 0;
        Set<String> placed = new HashSet<>();
        for (int n = 0; n < writers; n++) {
            try {
                AppendResult r = results.get(n).get();
                assertTrue(n % 5 != 0 && n % 5 != 3, "unit " + n + " should have failed");
                assertTrue(placed.add(r.mailboxId() + ":" + r.uid()), "UIDs are unique");
            } catch (java.util.concurrent.ExecutionException e) {
                assertInstanceOf(Planned.class, e.getCause());
                assertEquals("planned failure " + n, e.getCause().getMessage());
                failed++;
            }
        }
        assertEquals(2 * writers / 5, failed);
        long stored = 0;
        for (int i = 0; i < accounts.length; i++) {
            int at = i;
            long count = store.read(accounts[i], tx -> tx.status(inboxes[at]).messages());
            long[] uids = store.read(accounts[i], tx -> tx.uids(inboxes[at]));
            for (int u = 1; u < uids.length; u++) if (uids[u] <= uids[u - 1]) fail("UIDs not ascending");
            assertEquals(count, uids.length);
            assertEquals((long) store.read(accounts[i], tx -> tx.status(inboxes[at]).sizeBytes()), usedBytes(store, accounts[i]));
            stored += count;
        }
        assertEquals(writers - failed, stored);
        long[] after = store.commitCounts();
        long groups = after[0] - before[0];
        long units = after[1] - before[1];
        assertEquals(writers, units);
        assertTrue(groups < units, "units were grouped: " + units + " units in " + groups + " commits");
    }
}
