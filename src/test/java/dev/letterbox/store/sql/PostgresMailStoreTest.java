package dev.letterbox.store.sql;

import dev.letterbox.config.Config;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.MailStoreContract;
import dev.letterbox.testing.PostgresServer;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.StoreFixture;
import dev.letterbox.store.FlagUpdate;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MessageMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole store contract on PostgreSQL: a fresh database of the tests' shared cluster per store. */
class PostgresMailStoreTest implements MailStoreContract {
    @TempDir
    Path dir;
    private int stores;
    private final Map<MailStore, Config.Store> configs = new IdentityHashMap<>();

    @Override
    public MailStore newStore() {
        Config.Store config = new Config.Store(Config.Store.Backend.POSTGRESQL,
                Optional.of(newDatabase()), Optional.empty(), 4, Config.Store.Blobs.FILES,
                dir.resolve("blobs" + stores++));
        return open(config);
    }

    /** The URL of a new database, as the stores of this class reach it (loopback TCP). */
    String newDatabase() {
        return PostgresServer.shared().newDatabase();
    }

    /** A second store on the same database and blob directory: a second node. */
    @Override
    public MailStore sameDatabase(MailStore store) {
        return open(configs.get(store));
    }

    /**
     * A small body is written into its row by the statement that stores the message (one statement
     * for both rows here): once committed, the store no longer holds its bytes in memory.
     */
    @Test
    void aStoredSmallBodyIsNoLongerHeldInMemory() {
        try (MailStore store = newStore()) {
            long a = StoreFixture.newAccount(store, "alice@example.com");
            SqlBlobStore blobs = (SqlBlobStore) store.blobs();
            var first = StoreFixture.message(store, "first");
            var second = StoreFixture.message(store, "second");
            assertEquals(2, blobs.stagedCount());
            store.write(a, tx -> tx.append("INBOX", first));
            assertEquals(1, blobs.stagedCount());
            long inbox = StoreFixture.mailboxId(store, a, "INBOX");
            store.write(a, tx -> tx.append(inbox, second));
            assertEquals(0, blobs.stagedCount());
            assertEquals(List.of(1L, 2L), store.read(a, tx -> tx.messages(inbox, 1, 10, 10)).stream()
                    .map(MessageMeta::uid).toList());
        }
    }

    /**
     * Two nodes adding flags to the same messages at once lose none: each node reads the flags it
     * changes after it holds the mailbox's lock (in the same round trip as taking it, see
     * MessageQueries#lockedExisting), so it never writes back flags read before the other's commit.
     */
    @Test
    void twoNodesAddingKeywordsToTheSameMessagesAtOnceLoseNone() throws Exception {
        try (MailStore one = newStore(); MailStore two = sameDatabase(one)) {
            long a = StoreFixture.newAccount(one, "alice@example.com");
            for (int i = 0; i < 3; i++) {
                var m = StoreFixture.message(one, "message " + i);
                one.write(a, tx -> tx.append("INBOX", m));
            }
            long inbox = StoreFixture.mailboxId(one, a, "INBOX");
            int each = 15;
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Void>> nodes = new ArrayList<>();
            for (MailStore node : List.of(one, two)) {
                String prefix = node == one ? "$one" : "$two";
                nodes.add(CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (int k = 0; k < each; k++) {
                        // one run of UIDs (1:3) and a list of them (1,3): both reads of lockedExisting
                        long[] uids = k % 2 == 0 ? new long[] {1, 2, 3} : new long[] {1, 3};
                        var flags = Flags.of(0, List.of(prefix + k));
                        node.write(a, tx -> tx.storeFlags(inbox, uids, FlagUpdate.Mode.ADD,
                                flags, OptionalLong.empty()));
                    }
                }));
            }
            start.countDown();
            for (var n : nodes) n.get(60, TimeUnit.SECONDS);
            List<MessageMeta> after = one.read(a, tx -> tx.messages(inbox, 1, 3, 10));
            assertEquals(2 * each, after.get(0).flags().keywords().size(), "UID 1: " + after.get(0).flags());
            assertEquals(2 * each, after.get(2).flags().keywords().size(), "UID 3: " + after.get(2).flags());
            int evenRounds = (each + 1) / 2; // UID 2 is in the run, not in the list
            assertEquals(2 * evenRounds, after.get(1).flags().keywords().size(), "UID 2: " + after.get(1).flags());
        }
    }

    /**
     * A STORE that waits for the mailbox's lock while another writer (another node) changes flags
     * and expunges: once that commits, the STORE works on what it committed, not on the messages
     * as they were when the STORE's statement started (see MessageQueries#lockAndRead).
     */
    @Test
    void aStoreThatWaitedForAnotherWritersLockSeesWhatItCommitted() throws Exception {
        String url = newDatabase();
        Config.Store config = new Config.Store(Config.Store.Backend.POSTGRESQL, Optional.of(url), Optional.empty(), 4,
                Config.Store.Blobs.FILES, dir.resolve("blobs-lockwait"));
        try (MailStore store = open(config)) {
            long a = StoreFixture.newAccount(store, "waiter@example.com");
            long inbox = StoreFixture.mailboxId(store, a, "INBOX");
            for (int i = 0; i < 3; i++) StoreFixture.append(store, a, inbox, "message " + i);
            String database = url.substring(url.lastIndexOf('/') + 1);
            for (long[] uids : List.of(new long[] {1, 2, 3}, new long[] {1, 4})) { // a run, and a list
                long last = uids[uids.length - 1];
                if (last == 4) StoreFixture.append(store, a, inbox, "message 4");
                try (java.sql.Connection other = java.sql.DriverManager.getConnection(PostgresServer.shared().jdbcUrl(database))) {
                    other.setAutoCommit(false);
                    try (var s = other.createStatement()) { // as another node's STORE and EXPUNGE would
                        s.executeUpdate("UPDATE mailbox SET highest_modseq = highest_modseq + 1 WHERE id = " + inbox);
                        s.executeUpdate("UPDATE message SET keywords = trim(keywords || ' $other" + uids.length
                                + "'), modseq = (SELECT highest_modseq FROM mailbox WHERE id = " + inbox + ")"
                                + " WHERE mailbox_id = " + inbox + " AND uid = 1");
                        s.executeUpdate("DELETE FROM message WHERE mailbox_id = " + inbox + " AND uid = " + last);
                    }
                    CompletableFuture<FlagUpdate> store1 = CompletableFuture.supplyAsync(() -> store.write(a,
                            tx -> tx.storeFlags(inbox, uids, FlagUpdate.Mode.ADD, Flags.of(0, List.of("$mine" + uids.length)),
                                    OptionalLong.empty())));
                    waitForALockWait(other);
                    other.commit();
                    FlagUpdate done = store1.get(30, TimeUnit.SECONDS);
                    assertTrue(done.changed().stream().noneMatch(m -> m.uid() == last), "UID " + last + " was expunged: "
                            + done.changed());
                }
                MessageMeta first = store.read(a, tx -> tx.messages(inbox, 1, 1, 1)).getFirst();
                assertTrue(first.flags().keywords().containsAll(List.of("$other" + uids.length, "$mine" + uids.length)),
                        "UID 1 keeps the other writer's keyword: " + first.flags());
            }
        }
    }

    /** Until some session waits for a lock (the store's writer, for the one {@code holder} has). */
    private static void waitForALockWait(java.sql.Connection holder) throws Exception {
        for (int i = 0; i < 500; i++) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(holder.getMetaData().getURL(),
                    holder.getMetaData().getUserName(), null);
                 var rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted")) {
                rs.next();
                if (rs.getInt(1) > 0) return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the store's writer never waited for the lock");
    }

    /**
     * A prepared statement with a parameter array ({@code uid = ANY(?)}, as STORE and EXPUNGE use)
     * runs on its generic plan once the driver has prepared it on the server: left to its default,
     * PostgreSQL planned it anew on every execution (see PostgresConnections).
     */
    @Test
    void aStatementWithAnArrayParameterIsNotPlannedOnEveryExecution() {
        PostgresConnections backend = PostgresConnections.open(newDatabase(), Optional.empty(), 1);
        SessionSource readers = backend.readers();
        SqlSession db = readers.acquire();
        try {
            String sql = "SELECT uid FROM message WHERE mailbox_id = ? AND uid = ANY(?)";
            for (int i = 0; i < 12; i++) db.list(sql, rs -> rs.getLong(1), 1L, new long[] {1, 2, 3});
            var plans = db.first("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                    + "WHERE statement LIKE '%uid = ANY%'", rs -> new long[] {rs.getLong(1), rs.getLong(2)}).orElseThrow();
            assertTrue(plans[0] > 0, "the driver prepared it on the server and it ran on the generic plan");
            assertEquals(0, plans[1], "no execution was planned for its parameters");
        } finally {
            readers.release(db);
            readers.close();
            backend.writer().close();
            backend.close();
        }
    }

    /**
     * Bodies kept in their row are compressed with LZ4, not PostgreSQL's default pglz, which cost
     * several times the insert itself (see PostgresConnections); they read back unchanged.
     */
    @Test
    void aSmallBodyIsStoredCompressedWithLz4() throws Exception {
        String url = newDatabase();
        Config.Store config = new Config.Store(Config.Store.Backend.POSTGRESQL, Optional.of(url), Optional.empty(), 4,
                Config.Store.Blobs.FILES, dir.resolve("lz4-blobs"));
        String body = "Subject: compressible\r\n\r\n" + "the same line, again and again\r\n".repeat(200);
        try (MailStore store = open(config)) {
            long a = StoreFixture.newAccount(store, "alice@example.com");
            var m = StoreFixture.message(store, body);
            store.write(a, tx -> tx.append("INBOX", m));
            String database = url.substring(url.lastIndexOf('/') + 1);
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(PostgresServer.shared().jdbcUrl(database));
                 var rs = c.createStatement().executeQuery("SELECT pg_column_compression(content), "
                         + "pg_column_size(content), length(content) FROM blob")) {
                assertTrue(rs.next());
                assertEquals("lz4", rs.getString(1));
                assertTrue(rs.getLong(2) < rs.getLong(3) / 4, "stored compressed: " + rs.getLong(2) + " of " + rs.getLong(3));
            }
            // the storing node remembers the bytes it stored; another node reads and decompresses the row
            try (MailStore other = open(config)) {
                assertNull(((SqlBlobStore) other.blobs()).cache().content(m.blob().value()), "read from the row below");
                try (var in = other.blobs().open(m.blob())) {
                    assertEquals(body, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
    }

    /**
     * A node whose clock runs ten minutes fast sees the other node's two-minute lease as long
     * expired by its own clock, and claims anyway: the claim is judged in the database's time, so it
     * gets nothing until the lease has really run out.
     */
    @Test
    void aNodeWhoseClockIsMinutesFastDoesNotTakeOverALiveLease() {
        try (MailStore a = newStore(); MailStore b = sameDatabase(a)) {
            var blob = StoreFixture.message(a, "queued");
            var envelope = new QueuedMessage.Envelope("s@example.com", blob.blob(), blob.size(), Instant.now(),
                    QueuedMessage.Body.SEVEN_BIT, false, Optional.empty(), Optional.empty(), OptionalLong.empty());
            long id = a.queue().enqueue(envelope, List.of(QueuedMessage.NewRecipient.pending("x@remote.test",
                    Optional.empty(), Optional.empty())));
            Duration lease = Duration.ofMinutes(2);
            assertEquals(1, a.queue().claimDue("node-a", Instant.now(), 10, lease).size());

            Duration skew = Duration.ofMinutes(10);
            ((SqlMailStore) b).skewNodeClock(skew);
            Instant fastNow = Instant.now().plus(skew); // what node b's Instant.now() would say
            assertTrue(b.queue().claimDue("node-b", fastNow, 10, lease).isEmpty(),
                    "node b's clock says the lease ran out 8 minutes ago; the database's says it has not");
            assertEquals("node-a", b.queue().message(id).orElseThrow().lease().orElseThrow().owner());
            // once the lease has really run out (seen from node b's fast clock: skew + lease later)
            assertEquals(1, b.queue().claimDue("node-b", fastNow.plus(lease).plusSeconds(1), 10, lease).size());
        }
    }

    private MailStore open(Config.Store config) {
        // A short grace for freed blob files, so the contract's "freed blobs are deleted" is quick to see.
        MailStore store = StoreFactory.postgresql(config, Duration.ofMillis(50));
        configs.put(store, config);
        return store;
    }
}
