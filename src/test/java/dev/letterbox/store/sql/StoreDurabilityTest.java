package dev.letterbox.store.sql;

import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.BlobStore;
import dev.letterbox.store.DurabilityHooks.Sync;
import dev.letterbox.store.FlagUpdate;
import dev.letterbox.store.Flags;
import dev.letterbox.store.NewMessage;
import dev.letterbox.store.StoreException;
import dev.letterbox.testing.SyncProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What SIGKILL tests cannot see (the page cache survives a killed process): that every connection
 * really runs with synchronous=FULL, that a blob file and its directory are forced before the blob
 * counts as committed, that a write returns only after its commit was forced, and that a failed
 * sync leaves nothing behind.
 */
class StoreDurabilityTest {
    @TempDir
    Path dir;

    @Test
    void everyConnectionTheStoreOpensRunsWalWithFullSync() {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir.resolve("data"))) {
            List<Map<String, String>> all = store.connectionSettings();
            assertEquals(1 + SqlMailStore.READ_CONNECTIONS, all.size(), "the writer and every reader: " + all);
            for (int i = 0; i < all.size(); i++) {
                Map<String, String> c = all.get(i);
                assertEquals("wal", c.get("journal_mode"), "connection " + i + ": " + c);
                assertEquals("2", c.get("synchronous"), "connection " + i + " must be synchronous=FULL (2): " + c);
                assertEquals("1", c.get("foreign_keys"), "connection " + i + ": " + c);
                assertEquals("10000", c.get("busy_timeout"), "connection " + i + ": " + c);
                assertEquals(i == 0 ? "0" : "1", c.get("query_only"), "only the writer writes; connection " + i + ": " + c);
                if (i == 0) {
                    assertEquals("2", c.get("temp_store"), "the writer's statement journals stay in memory (2): " + c);
                    assertEquals(String.valueOf(SqliteConnections.AUTOCHECKPOINT_PAGES), c.get("wal_autocheckpoint"), c.toString());
                }
            }
        }
    }

    @Test
    void aFileBlobIsForcedWithItsDirectoryBeforeItCountsAsCommitted() throws IOException {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir.resolve("data"))) {
            SyncProbe probe = SyncProbe.installIn(store);
            bigBlob(store);
            assertEquals(1, probe.count(Sync.BLOB_FILE));
            assertEquals(1, probe.count(Sync.BLOB_DIRECTORY));
            assertEquals(0, probe.count(Sync.DATABASE_COMMIT), "a blob alone commits nothing in the database");
        }
    }

    @Test
    void aBlobWhoseFileOrDirectorySyncFailsLeavesNoFileBehind() throws IOException {
        Path data = dir.resolve("data");
        try (SqlMailStore store = SqlMailStore.openSqlite(data)) {
            SyncProbe probe = SyncProbe.installIn(store);
            probe.failing(Sync.BLOB_FILE, 0, 1);
            assertThrows(IOException.class, () -> bigBlob(store));
            assertEquals(List.of(), blobFiles(data), "the partial file is gone");
            // after the rename: the file is under its final name, but without the directory's fsync
            // that name may not survive a crash, so the blob is not committed and must not stay
            probe.failing(Sync.BLOB_DIRECTORY, 0, 1);
            assertThrows(IOException.class, () -> bigBlob(store));
            assertEquals(List.of(), blobFiles(data), "neither the temporary nor the renamed file stays");
            bigBlob(store);
            assertEquals(1, blobFiles(data).size(), "once the disk is well, blobs are written again");
        }
    }

    @Test
    void aWriteReturnsAfterItsCommitIsForcedAndAFailedCommitKeepsNothing() throws IOException {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir.resolve("data"))) {
            long account = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, account, "INBOX");
            SyncProbe probe = SyncProbe.installIn(store);
            NewMessage small = smallMessage(store);
            long before = probe.count(Sync.DATABASE_COMMIT);
            store.write(account, tx -> tx.append(inbox, small));
            assertEquals(before + 1, probe.count(Sync.DATABASE_COMMIT), "the append's commit was forced before write returned");
            assertEquals(0, probe.count(Sync.BLOB_FILE), "a small body is made durable by the commit, not a file");

            probe.failing(Sync.DATABASE_COMMIT, 0, 1);
            NewMessage another = smallMessage(store);
            assertThrows(StoreException.class, () -> store.write(account, tx -> tx.append(inbox, another)));
            assertEquals(1, store.read(account, tx -> tx.status(inbox)).messages(), "the failed append left nothing");
            assertEquals(small.size(), store.directory().account(account).orElseThrow().usedBytes());
        }
    }

    @Test
    void anUnsyncedWriteIsSeenAtOnceAndForcedToDiskAboutASecondLater() throws Exception {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir.resolve("data"))) {
            long account = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, account, "INBOX");
            NewMessage small = smallMessage(store);
            long uid = store.write(account, tx -> tx.append(inbox, small)).uid();
            SyncProbe probe = SyncProbe.installIn(store);

            store.writeUnsynced(account, tx -> tx.storeFlags(inbox, new long[] {uid}, FlagUpdate.Mode.ADD,
                    Flags.ofSystem(Flags.SEEN), OptionalLong.empty()));
            assertEquals(0, probe.count(Sync.DATABASE_COMMIT), "a flag change does not wait for a fsync of its own");
            assertTrue(store.read(account, tx -> tx.message(inbox, uid)).orElseThrow().flags().has(Flags.SEEN),
                    "but every reader sees it at once");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (probe.count(Sync.UNSYNCED_COMMITS) == 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(1, probe.count(Sync.UNSYNCED_COMMITS), "the writer forced it to disk on its own");

            store.write(account, tx -> tx.storeFlags(inbox, new long[] {uid}, FlagUpdate.Mode.ADD,
                    Flags.ofSystem(Flags.FLAGGED), OptionalLong.empty()));
            assertEquals(1, probe.count(Sync.DATABASE_COMMIT));
            assertEquals("2", store.connectionSettings().get(0).get("synchronous"),
                    "a synced write puts the writer back to synchronous=FULL");
        }
    }

    @Test
    void aSyncedWriteForcesTheUnsyncedOnesBeforeIt() throws Exception {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir.resolve("data"))) {
            long account = newAccount(store, "alice@example.com");
            long inbox = mailboxId(store, account, "INBOX");
            NewMessage first = smallMessage(store), second = smallMessage(store);
            long uid = store.write(account, tx -> tx.append(inbox, first)).uid();
            SyncProbe probe = SyncProbe.installIn(store);
            store.writeUnsynced(account, tx -> tx.storeFlags(inbox, new long[] {uid}, FlagUpdate.Mode.ADD,
                    Flags.ofSystem(Flags.SEEN), OptionalLong.empty()));
            store.write(account, tx -> tx.append(inbox, second));
            assertEquals(1, probe.count(Sync.DATABASE_COMMIT));
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(GroupCommitWriter.UNSYNCED_FLUSH_NANOS) + 500);
            assertEquals(0, probe.count(Sync.UNSYNCED_COMMITS),
                    "the append's fsync forced the log with the flag change in it: nothing left to force");
        }
    }

    private static NewMessage smallMessage(SqlMailStore store) throws IOException {
        byte[] bytes = "Subject: small\r\n\r\nkept in the database\r\n".getBytes();
        try (BlobStore.BlobWriter w = store.blobs().create()) {
            w.stream().write(bytes);
            return new NewMessage(w.commit(), bytes.length, Flags.NONE, null, null);
        }
    }

    private static void bigBlob(SqlMailStore store) throws IOException {
        try (BlobStore.BlobWriter w = store.blobs().create()) {
            w.stream().write(new byte[SqlBlobStore.INLINE_LIMIT + 1]);
            w.commit();
        }
    }

    /** Every file under blobs/, temporary ones included. */
    static List<Path> blobFiles(Path data) throws IOException {
        try (Stream<Path> files = Files.walk(data.resolve("blobs"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
