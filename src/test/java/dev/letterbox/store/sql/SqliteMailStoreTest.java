package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.MailStoreContract;
import dev.letterbox.store.NewMessage;
import dev.letterbox.store.StoreException;
import dev.letterbox.store.StoreFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.letterbox.store.StoreFixture.append;
import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.message;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract on SQLite, plus what only an embedded, file-based store has to prove. */
class SqliteMailStoreTest implements MailStoreContract {
    @TempDir
    Path dir;
    private int stores;
    private final Map<MailStore, Path> dirs = new IdentityHashMap<>();

    @Override
    public MailStore newStore() {
        // A short grace for freed blob files, so the contract's "freed blobs are deleted" is quick to see.
        Path data = dir.resolve("store" + stores++);
        MailStore store = SqlMailStore.openSqlite(data, Duration.ofMillis(50));
        dirs.put(store, data);
        return store;
    }

    /** A second store on the same data directory: a second process, as a second node will be. */
    @Override
    public MailStore sameDatabase(MailStore store) {
        return SqlMailStore.openSqlite(dirs.get(store), Duration.ofMillis(50));
    }

    @Test
    void everythingSurvivesReopening() {
        Path data = dir.resolve("data");
        long account;
        NewMessage m;
        try (MailStore store = SqlMailStore.openSqlite(data)) {
            account = newAccount(store, "alice@example.com");
            m = message(store, "kept");
            append(store, account, mailboxId(store, account, "INBOX"), m);
        }
        try (MailStore store = SqlMailStore.openSqlite(data)) {
            long inbox = mailboxId(store, account, "INBOX");
            assertEquals(m.blob(), store.read(account, tx -> tx.message(inbox, 1)).orElseThrow().blob());
            assertEquals(2, append(store, account, inbox, "next").uid());
            assertTrue(store.blobs().exists(m.blob()));
        }
    }

    @Test
    void refusesADatabaseWrittenByANewerLetterbox() throws Exception {
        Path data = dir.resolve("data");
        SqlMailStore.openSqlite(data).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("letterbox.db"));
             Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, name, applied) VALUES (999, 'future', 0)");
        }
        StoreException e = assertThrows(StoreException.class, () -> SqlMailStore.openSqlite(data));
        assertTrue(e.getMessage().contains("newer Letterbox"), e.getMessage());
    }

    @Test
    void twoProcessesOpeningANewDirectoryAtOnceMigrateItOnce() throws Exception {
        // several rounds: the race to switch a new database to WAL is lost only now and then
        for (int round = 0; round < 6; round++) {
            Path data = dir.resolve("data" + round);
            try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
                Future<SqlMailStore> first = threads.submit(() -> SqlMailStore.openSqlite(data));
                Future<SqlMailStore> second = threads.submit(() -> SqlMailStore.openSqlite(data));
                try (SqlMailStore a = first.get(); SqlMailStore b = second.get()) {
                    long id = newAccount(a, "alice@example.com");
                    assertTrue(b.directory().account(id).isPresent());
                }
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("letterbox.db"));
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*), max(version) FROM schema_version")) {
                rs.next();
                assertEquals(Migrations.latest(), rs.getInt(1));
                assertEquals(Migrations.latest(), rs.getInt(2));
            }
        }
    }

    @Test
    void oldChangeLogRowsArePruned() throws Exception {
        Path data = dir.resolve("data");
        try (SqlMailStore store = SqlMailStore.openSqlite(data)) {
            long a = newAccount(store, "alice@example.com");
            append(store, a, mailboxId(store, a, "INBOX"), "x");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("letterbox.db"));
             SqlSession db = new SqlSession(c)) {
            long now = System.currentTimeMillis();
            long rows = db.firstLong("SELECT count(*) FROM change_log").orElseThrow();
            assertTrue(rows >= 2, "account and content changes were logged");
            assertEquals(0, ChangeLog.prune(db, now));
            db.update("UPDATE change_log SET created = ? WHERE seq = (SELECT min(seq) FROM change_log)",
                    now - ChangeLog.RETENTION_MILLIS - 1);
            assertEquals(1, ChangeLog.prune(db, now));
            assertEquals(rows - 1, db.firstLong("SELECT count(*) FROM change_log").orElseThrow());
        }
    }

    @Test
    void directoryChangesOfAnotherProcessCountAtOnce() {
        Path data = dir.resolve("data");
        try (MailStore server = SqlMailStore.openSqlite(data); MailStore cli = SqlMailStore.openSqlite(data)) {
            long id = newAccount(server, "alice@example.com");
            assertTrue(server.directory().account(id).orElseThrow().enabled());
            cli.directory().setEnabled(id, false);
            cli.directory().addAlias("info@example.com", "alice@example.com");
            assertFalse(server.directory().account(id).orElseThrow().enabled());
            assertTrue(server.directory().alias("info@example.com").isPresent());
            long inbox = mailboxId(cli, id, "INBOX");
            append(cli, id, inbox, "delivered by the CLI");
            assertEquals(1, server.read(id, tx -> tx.status(inbox)).messages());
        }
    }

    @Test
    void aWriteUnitCannotWaitForAnotherWrite() {
        try (MailStore store = newStore()) {
            long a = newAccount(store, "alice@example.com");
            assertThrows(IllegalStateException.class,
                    () -> store.write(a, tx -> store.write(a, inner -> inner.createMailbox("x", Optional.empty()))));
            assertTrue(store.read(a, tx -> tx.mailbox("x")).isEmpty());
        }
    }

    @Test
    void closeIsIdempotentAndRefusesLaterWork() {
        MailStore store = newStore();
        long a = newAccount(store, "alice@example.com");
        store.close();
        store.close();
        assertThrows(StoreException.class, () -> store.write(a, tx -> tx.createMailbox("x", Optional.empty())));
        assertThrows(StoreException.class, () -> store.read(a, tx -> tx.mailboxes()));
        assertThrows(StoreException.class, () -> StoreFixture.usedBytes(store, a));
    }
}
