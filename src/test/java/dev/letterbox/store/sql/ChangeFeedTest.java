package dev.letterbox.store.sql;

import dev.letterbox.store.Change;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.letterbox.store.StoreFixture.append;
import static dev.letterbox.store.StoreFixture.mailboxId;
import static dev.letterbox.store.StoreFixture.newAccount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Changes are announced before the write returns, also those another process (here: a second store) made. */
class ChangeFeedTest {
    @TempDir
    Path dir;

    @Test
    void anotherProcessesWritesArePublishedWithinASecond() throws Exception {
        try (SqlMailStore server = SqlMailStore.openSqlite(dir); SqlMailStore cli = SqlMailStore.openSqlite(dir)) {
            long a = newAccount(server, "alice@example.com");
            long inbox = mailboxId(server, a, "INBOX");
            // The writer publishes a group's changes before it starts the next group: after this empty
            // write, the announcement of the account's creation is behind us.
            server.write(a, tx -> null);
            BlockingQueue<Change> heard = new LinkedBlockingQueue<>();
            server.changes().subscribe(a, heard::add);

            long sent = System.nanoTime();
            append(cli, a, inbox, "delivered from the command line");
            Change c = heard.poll(3, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertEquals(new Change.MailboxContent(a, inbox), c);
            assertTrue(millis < 1500, "announced after " + millis + " ms");

            cli.write(a, tx -> tx.createMailbox("From CLI", Optional.empty()));
            assertEquals(new Change.MailboxList(a), heard.poll(3, TimeUnit.SECONDS));
            cli.directory().setEnabled(a, false);
            assertEquals(new Change.AccountChanged(a), heard.poll(3, TimeUnit.SECONDS));
            cli.directory().setPasswordHash(a, "$changed$by$cli");
            assertEquals(new Change.AccountChanged(a), heard.poll(3, TimeUnit.SECONDS), "a password change is announced too");

            // The server's own write is announced once, by its writer, not again by its poller.
            append(server, a, inbox, "local");
            assertEquals(new Change.MailboxContent(a, inbox), heard.poll(3, TimeUnit.SECONDS));
            assertNull(heard.poll(3 * ChangeFeed.POLL_MILLIS, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void aWritesChangesAreAnnouncedBeforeTheWriteReturns() throws Exception {
        try (SqlMailStore store = SqlMailStore.openSqlite(dir)) {
            long a = newAccount(store, "order@example.com");
            long inbox = mailboxId(store, a, "INBOX");
            store.write(a, tx -> null); // the account's creation is announced by now
            store.changes().subscribe(a, change -> {
                try {
                    Thread.sleep(200); // a slow listener first: the next one hears of the change late
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            BlockingQueue<Change> heard = new LinkedBlockingQueue<>();
            store.changes().subscribe(a, heard::add);
            append(store, a, inbox, "one");
            assertEquals(new Change.MailboxContent(a, inbox), heard.poll(), "announced before append returned");
        }
    }

    /**
     * Pruning deletes what is older than the retention, but never the newest row: SQLite numbers a
     * new row after the highest seq there is, so a log pruned empty would hand out seqs a poller has
     * already seen, and it would skip those changes.
     */
    @Test
    void pruningKeepsTheNewestRowSoSeqsNeverGoBack() throws Exception {
        SqliteConnections connections = SqliteConnections.open(dir.resolve("log.db"));
        SqlSession db = connections.writer().acquire();
        try {
            long now = System.currentTimeMillis();
            long old = now - ChangeLog.RETENTION_MILLIS - 60_000;
            for (int i = 0; i < 3; i++) {
                ChangeLog.record(db, "a", java.util.List.of(new Change.MailboxList(1)), old + i);
            }
            long seen = ChangeLog.lastSeq(db);
            assertEquals(2, ChangeLog.prune(db, now), "all but the newest of the old rows");
            assertEquals(seen, ChangeLog.lastSeq(db));
            ChangeLog.record(db, "a", java.util.List.of(new Change.MailboxList(1)), now);
            assertEquals(seen + 1, ChangeLog.lastSeq(db), "the next seq follows the newest ever");
            assertEquals(1, ChangeLog.after(db, seen, 10).size());
            ChangeLog.record(db, "a", java.util.List.of(new Change.MailboxList(1)), now);
            assertEquals(1, ChangeLog.prune(db, now), "the old one goes, the young ones stay");
            assertEquals(2, ChangeLog.after(db, 0, 10).size());
        } finally {
            connections.writer().release(db);
            connections.writer().close();
            connections.readers().close();
        }
    }
}
