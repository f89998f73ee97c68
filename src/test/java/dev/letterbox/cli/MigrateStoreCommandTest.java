package dev.letterbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.sql.StoreMigration;
import dev.letterbox.testing.Mail;
import dev.letterbox.testing.PostgresServer;
import dev.letterbox.testing.TestServer;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code letterbox migrate-store}: an embedded store filled through a real server (IMAP, SMTP
 * submission, the CLI) is copied into a fresh PostgreSQL database, and a server started on that
 * database shows IMAP clients the same mailboxes, UIDVALIDITY, UIDs, MODSEQs, flags and bytes, the
 * same queue, and hands out new ids past the old ones. A run stopped midway goes on; a row changed
 * in the copy is found.
 */
class MigrateStoreCommandTest {
    private static final String EMBEDDED = "[store]\nbackend = \"sqlite\"\n";

    private TestServer source;
    private TestServer target;
    private String url;
    private final Map<String, List<String>> viewsBefore = new LinkedHashMap<>();
    private final List<String> users = new ArrayList<>();
    private long queued;
    private long removedAccountId;

    @BeforeEach
    void fillAnEmbeddedStore() throws Exception {
        // this test picks its backends itself; the suite's PostgreSQL pass would only repeat it
        assumeFalse(TestServer.onPostgres(), "runs in the embedded pass");
        source = new TestServer(EMBEDDED);
        source.start();
        String alice = source.newUser("alice"), bob = source.newUser("bob");
        users.addAll(List.of(alice, bob));
        for (int i = 1; i <= 5; i++) source.deliver(alice, Mail.message("x@remote.test", alice, "note " + i));
        // bigger than the store keeps inline: its body is a file under blobs/
        source.deliver(alice, Mail.message("x@remote.test", alice, "big") + "x".repeat(200_000) + "\r\n");
        source.deliver(bob, Mail.message("x@remote.test", bob, "for bob"));
        ImapView.act(source, alice,
                "SELECT INBOX",
                "STORE 1 +FLAGS (\\Seen)",
                "STORE 2 +FLAGS (\\Flagged $Important)",
                "STORE 3 +FLAGS (\\Deleted)",
                "EXPUNGE",
                "CREATE \"Projects/2026 \u00e9t\u00e9\"",
                "SUBSCRIBE \"Projects/2026 \u00e9t\u00e9\"",
                "COPY 1:2 \"Projects/2026 \u00e9t\u00e9\"",
                "UNSUBSCRIBE Junk");
        ImapView.act(source, bob, "CREATE Gone", "DELETE Gone", "SELECT INBOX", "STORE 1 +FLAGS (\\Answered)");
        queued = Mail.submit(source, alice, "someone@remote.test", "waiting in the queue");
        String data = source.dataDir().toString();
        assertEquals(0, Cli.run("domain", "add", "other.test", "--data", data).exit());
        assertEquals(0, Cli.run("alias", "add", "team@" + source.domain(), bob, "--data", data).exit());
        String removed = source.newUser("removed");
        removedAccountId = source.account(removed).id();
        assertEquals(0, Cli.run("user", "remove", removed, "--data", data).exit());
        for (String user : users) viewsBefore.put(user, ImapView.of(source, user));
        url = PostgresServer.shared().newDatabase();
    }

    @AfterEach
    void stop() {
        if (target != null) target.stop();
        if (source != null) source.stop();
    }

    @Test
    void imapClientsSeeTheSameStoreOnPostgresql() throws Exception {
        Cli.Result running = migrate();
        assertEquals(1, running.exit(), running.out());
        assertTrue(running.err().contains("the server is running on"), running.err());

        source.stopKeepingData();
        Cli.Result r = migrate();
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("message: 8 rows\n"), r.out()); // 5 + 1 - 1 expunged + 2 copies + 1 for bob
        assertTrue(r.out().matches("(?s).*verified: \\d+ tables, \\d+ rows, checksums equal\n.*"), r.out());
        for (String table : embeddedTables()) {
            if (!List.of("schema_version", "change_log").contains(table)) assertTrue(r.out().contains("\n" + table + ": "), table);
        }
        String toml = r.out().substring(r.out().indexOf("[store]\n"));
        assertTrue(toml.contains("backend = \"postgresql\"\nurl = \"" + url + "\"\n"), toml);
        assertTrue(toml.contains("blob_dir = \"" + source.dataDir().resolve("blobs").toAbsolutePath() + "\""), toml);

        target = new TestServer(toml);
        target.start();
        for (String user : users) assertEquals(viewsBefore.get(user), ImapView.of(target, user), user);
        QueuedMessage message = Mail.queued(target, queued).orElseThrow();
        assertEquals("someone@remote.test", message.recipients().getFirst().address());
        assertTrue(target.server().directory().hostsDomain("other.test"));

        // new rows take ids past every id the embedded store ever used, a removed account's too
        String alice = users.getFirst();
        List<String> fetched = new ArrayList<>(ImapView.of(target, alice));
        String uidNext = fetched.stream().filter(l -> l.startsWith("* OK [UIDNEXT ")).findFirst().orElseThrow();
        target.deliver(alice, Mail.message("x@remote.test", alice, "after the move"));
        String expectedUid = uidNext.replaceAll("\\D+", " ").strip().split(" ")[0];
        assertTrue(ImapView.of(target, alice).stream().anyMatch(l -> l.contains("UID " + expectedUid + " ")), "new mail gets UIDNEXT");
        assertTrue(target.account(target.newUser("carol")).id() > removedAccountId, "account ids are not reused");
        assertTrue(Mail.submit(target, alice, "else@remote.test", "queued later") > queued, "queue ids go on");
        ImapView.act(target, alice, "CREATE Later");

        Cli.Result again = migrate();
        assertEquals(1, again.exit(), again.out());
        assertTrue(again.err().contains("is not empty"), again.err());
    }

    @Test
    void aRunStoppedMidwayGoesOnWhereItStopped() throws Exception {
        source.stopKeepingData();
        AtomicInteger batches = new AtomicInteger();
        var migration = new StoreMigration(source.dataDir(), source.dataDir().resolve("blobs"),
                new StoreMigration.Target(url, Optional.empty()), new StoreMigration.Listener() {
                    @Override
                    public void say(String line) {}

                    @Override
                    public void batchCommitted(String table, long rowsCopied) {
                        if (table.equals("message") && batches.incrementAndGet() == 2) throw new IllegalStateException("killed");
                    }
                });
        assertThrows(IllegalStateException.class, () -> migration.migrate(3));
        assertEquals(6, count("SELECT count(*) FROM message"), "two batches of three committed");

        Cli.Result r = migrate("--batch-rows", "3");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("resuming the copy"), r.out());
        assertTrue(r.out().contains("domain: 2 rows (copied by an earlier run)"), r.out());
        assertTrue(r.out().contains("message: 8 rows (resumed after 6)"), r.out());
        assertTrue(r.out().contains("checksums equal"), r.out());
        assertEquals(0, count("SELECT count(*) FROM information_schema.tables WHERE table_name = 'migrate_store_progress'"),
                "the progress record goes once verified");

        target = new TestServer(r.out().substring(r.out().indexOf("[store]\n")));
        target.start();
        for (String user : users) assertEquals(viewsBefore.get(user), ImapView.of(target, user), user);
    }

    @Test
    void aChangedRowInTheCopyIsReported() throws Exception {
        source.stopKeepingData();
        assertEquals(0, migrate().exit());
        assertEquals(0, migrate("--verify-only").exit());

        execute("UPDATE message SET flags = flags # 1 WHERE uid = 2");
        Cli.Result changed = migrate("--verify-only");
        assertEquals(MigrateStoreCommand.MISMATCH, changed.exit(), changed.out());
        assertTrue(changed.out().contains("MISMATCH message: 8 rows, sha256 "), changed.out());
        assertTrue(changed.err().contains("verification failed: 1 table(s) differ"), changed.err());

        execute("DELETE FROM subscription WHERE name = 'Sent'");
        Cli.Result missing = migrate("--verify-only");
        assertEquals(MigrateStoreCommand.MISMATCH, missing.exit());
        assertTrue(missing.out().matches("(?s).*MISMATCH subscription: (\\d+) rows, .* here; (?!\\1 )\\d+ rows.*"), missing.out());
    }

    private Cli.Result migrate(String... extra) {
        List<String> args = new ArrayList<>(List.of("migrate-store", "--data", source.dataDir().toString(), "--to", url));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    /** Every table of the schema as the migration scripts made it, whatever they add later. */
    private List<String> embeddedTables() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source.dataDir().resolve("letterbox.db"));
             Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        assertTrue(out.contains("message") && out.contains("dmarc_row"), out.toString());
        return out;
    }

    private String jdbc() {
        return PostgresServer.shared().jdbcUrl(URI.create(url).getPath().substring(1));
    }

    private long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc()); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc()); Statement s = c.createStatement()) {
            assertTrue(s.executeUpdate(sql) > 0, sql);
        }
    }
}
