package dev.letterbox.cli;

import static dev.letterbox.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code letterbox fsck}: each invariant is broken on purpose, directly in the database of a stopped
 * store, and fsck must report it, repair it with {@code --repair}, and then find nothing.
 */
class FsckTest {
    private TestServer server;
    private String alice, bob;

    @BeforeEach
    void storeWithMail() throws Exception {
        server = new TestServer();
        server.start();
        alice = server.newUser("alice");
        bob = server.newUser("bob");
        for (int i = 1; i <= 3; i++) server.deliver(alice, "Subject: note " + i + "\r\n\r\nhello\r\n");
        server.deliver(alice, "Subject: big\r\n\r\n" + ("y".repeat(998) + "\r\n").repeat(200)); // a blob file
        server.stopKeepingData(); // on PostgreSQL the CLI finds the database in the letterbox.toml the server wrote
    }

    @AfterEach
    void removeStore() {
        TestServer.deleteTree(server.dataDir());
    }

    private Cli.Result fsck(String... extra) {
        String[] args = new String[extra.length + 3];
        args[0] = "fsck";
        args[1] = "--data";
        args[2] = server.dataDir().toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        return run(args);
    }

    private Connection database() throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl());
    }

    private static long number(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }

    @Test
    void aSoundStoreIsConsistent() {
        Cli.Result r = fsck();
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("the store is consistent\n", r.out());
    }

    @Test
    void eachBrokenInvariantIsFoundAndRepaired() throws Exception {
        long aliceId, inbox;
        String orphanFile;
        try (Connection db = database(); Statement s = db.createStatement()) {
            aliceId = number(s, "SELECT id FROM account WHERE address = '" + alice + "'");
            inbox = number(s, "SELECT id FROM mailbox WHERE account_id = " + aliceId + " AND name = 'INBOX'");
            s.executeUpdate("UPDATE mailbox SET uidnext = 2, highest_modseq = 1 WHERE id = " + inbox);     // UIDs 1..4 exist
            s.executeUpdate("UPDATE account SET used_bytes = 7 WHERE id = " + aliceId);                    // quota sum
            s.executeUpdate("DELETE FROM mailbox WHERE account_id = (SELECT id FROM account WHERE address = '" + bob + "')"); // bob's INBOX, empty
            s.executeUpdate("UPDATE counter SET value = 5 WHERE name = 'uidvalidity'");                    // below the mailboxes' values
            s.executeUpdate("INSERT INTO blob (id, size, content, created) VALUES ('orphanrow0000001', 3, 'abc', 0)");
            s.executeUpdate("INSERT INTO blob (id, size, content, created) VALUES ('queuedblob000001', 3, 'abc', 0)");
            s.executeUpdate("INSERT INTO queue_message (sender, blob_id, size, received, body, smtputf8) "
                    + "VALUES ('a@example.test', 'queuedblob000001', 3, 0, '7BIT', 0)");                    // no recipients
        }
        if (!TestServer.onPostgres()) {
            try (Connection db = database(); Statement s = db.createStatement()) { // SQLite enforces no foreign key here
                s.executeUpdate("INSERT INTO queue_recipient (message_id, address, state, attempts, next_attempt)"
                        + " VALUES (999999, 'x@example.org', 'pending', 0, 0)");
            }
        }
        Path dir = server.dataDir().resolve("blobs").resolve("ab");
        Files.createDirectories(dir);
        Path orphan = dir.resolve("ab0123456789abcdef0123456789abcd");
        Files.writeString(orphan, "left by a crash");
        Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        orphanFile = orphan.toString();

        Cli.Result found = fsck();
        assertEquals(1, found.exit(), found.out() + found.err());
        String out = found.out();
        for (String expected : new String[] {
                "uids: " + alice + " INBOX: UID 4 is not below UIDNEXT 2",
                "uids: " + alice + " INBOX: MODSEQ ",
                "uids: a mailbox has UIDVALIDITY ",
                "quota: " + alice + " counts 7 bytes used; its messages hold ",
                "mailboxes: " + bob + " has no INBOX",
                "queue: queued message ",
                TestServer.onPostgres() ? "queue: " : "queue: recipient row ",
                "blobs: blob orphanrow0000001 is referred to by no message",
                "blobs: file " + orphanFile + " belongs to no blob"}) {
            assertTrue(out.contains(expected), "'" + expected + "' in:\n" + out);
        }
        assertFalse(out.contains("-> repaired"), "without --repair nothing is changed: " + out);
        assertTrue(out.endsWith(" findings, 0 repaired; run with --repair (server stopped) to fix what can be fixed\n"), out);
        assertEquals(out, fsck().out(), "a check alone changes nothing");

        Cli.Result repaired = fsck("--repair");
        assertEquals(0, repaired.exit(), repaired.out() + repaired.err());
        assertTrue(repaired.out().contains("UIDNEXT set to 5"), repaired.out());
        assertTrue(repaired.out().endsWith(" repaired\n"), repaired.out());

        Cli.Result after = fsck();
        assertEquals(0, after.exit(), after.out());
        assertEquals("the store is consistent\n", after.out());
        assertFalse(Files.exists(orphan));
        try (Connection db = database(); Statement s = db.createStatement()) {
            assertEquals(5, number(s, "SELECT uidnext FROM mailbox WHERE id = " + inbox));
            assertEquals(number(s, "SELECT sum(size) FROM message WHERE mailbox_id = " + inbox),
                    number(s, "SELECT used_bytes FROM account WHERE id = " + aliceId));
            assertEquals(0, number(s, "SELECT count(*) FROM blob WHERE id IN ('orphanrow0000001', 'queuedblob000001')"));
            assertEquals(4, number(s, "SELECT count(*) FROM message WHERE mailbox_id = " + inbox), "no message was lost");
        }

        // and the repaired store works: the next message gets the next UID
        server.start();
        server.deliver(alice, "Subject: after\r\n\r\nfine\r\n");
        server.stopKeepingData();
        try (Connection db = database(); Statement s = db.createStatement()) {
            assertEquals(5, number(s, "SELECT max(uid) FROM message WHERE mailbox_id = " + inbox));
        }
    }

    @Test
    void lostContentIsReportedButNotRepairedAway() throws Exception {
        String blob;
        try (Connection db = database(); Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM blob WHERE content IS NULL")) {
            assertTrue(rs.next());
            blob = rs.getString(1);
        }
        Files.delete(server.dataDir().resolve("blobs").resolve(blob.substring(0, 2)).resolve(blob));
        Cli.Result r = fsck("--repair");
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("blobs: the file of blob " + blob + " is missing (1 messages show no content;"), r.out());
        try (Connection db = database(); Statement s = db.createStatement()) {
            assertEquals(1, number(s, "SELECT count(*) FROM message WHERE blob_id = '" + blob + "'"), "the message stays");
        }
    }

    @Test
    void repairIsRefusedWhileTheServerRuns() throws Exception {
        server.start();
        try {
            Cli.Result r = fsck("--repair");
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("stop it before --repair"), r.err());
        } finally {
            server.stopKeepingData();
        }
    }
}
