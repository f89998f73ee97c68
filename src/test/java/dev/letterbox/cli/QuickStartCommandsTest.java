package dev.letterbox.cli;

import static dev.letterbox.cli.Cli.run;
import static dev.letterbox.cli.Cli.runWithInput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.auth.AuthResult;
import dev.letterbox.auth.Recipient;
import dev.letterbox.store.Protocol;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.StoredState;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start — {@code domain}, {@code user}, {@code alias}, {@code deliver},
 * {@code settings} — run as the launcher runs them ({@link Main#run}), on the data dir of a running
 * server, checked by their output, their exit codes and by what the server then does (logins,
 * mailboxes). {@code deliver}'s exit codes are sysexits(3): an MTA calling it acts on them.
 */
class QuickStartCommandsTest {
    @RegisterExtension
    static final TestServer server = new TestServer();
    static final int EX_NOUSER = 67, EX_CANTCREAT = 73, EX_TEMPFAIL = 75;

    @TempDir
    Path temp;

    static String data() {
        return server.dataDir().toString();
    }

    @Test
    void theQuickStartWorksAgainstTheRunningServer() throws Exception {
        assertOutput(run("domain", "add", "quick.test", "--data", data()), "added domain quick.test\n");
        List<String> domains = run("domain", "list", "--data", data()).out().lines().toList();
        assertTrue(domains.contains("quick.test") && domains.contains(TestServer.DOMAIN), domains.toString());

        Cli.Result added = run("user", "add", "alice@quick.test", "--data", data());
        assertEquals(0, added.exit(), added.err());
        List<String> lines = added.out().lines().toList();
        assertEquals("added alice@quick.test", lines.get(0));
        assertTrue(lines.get(1).startsWith("password: ") && lines.size() == 2, added.out());
        String password = lines.get(1).substring("password: ".length());

        // printf 'Subject: hi\n\nHello Alice\n' | ./letterbox deliver alice@quick.test
        assertOutput(runWithInput("Subject: hi\n\nHello Alice\n", "deliver", "alice@quick.test", "--data", data()),
                "delivered to alice@quick.test\n");
        try (LineClient pop = pop3("alice@quick.test", password)) {
            pop.send("RETR 1");
            pop.expectPrefix("+OK");
            assertEquals(List.of("Subject: hi", "", "Hello Alice"), pop.readUntil("."), "line ends made CRLF, nothing added");
        }

        Cli.Result settings = run("settings", "alice@quick.test", "--data", data());
        assertEquals(0, settings.exit(), settings.err());
        assertSetting(settings.out(), "IMAP incoming mail.example.test " + server.port("imaps") + " SSL/TLS alice@quick.test");
        assertSetting(settings.out(), "IMAP incoming mail.example.test " + server.port("imap") + " STARTTLS alice@quick.test");
        assertSetting(settings.out(), "POP3 incoming mail.example.test " + server.port("pop3s") + " SSL/TLS alice@quick.test");
        assertSetting(settings.out(), "SMTP outgoing mail.example.test " + server.port("submissions") + " SSL/TLS alice@quick.test");
        assertSetting(settings.out(), "SMTP outgoing mail.example.test " + server.port("submission") + " STARTTLS alice@quick.test");
        assertSetting(settings.out(), "MANAGESIEVE filters mail.example.test " + server.port("managesieve") + " STARTTLS alice@quick.test");
        assertFalse(settings.out().contains("not running"), "the ports are the running server's: " + settings.out());
    }

    @Test
    void userCommandsChangeWhatTheRunningServerAllows() throws Exception {
        String bob = "bob@" + TestServer.DOMAIN;
        assertOutput(runWithInput("a long enough secret\n", "user", "add", bob, "--password-stdin", "--quota", "1M",
                "--messages", "50", "--protocols", "imap,smtp", "--data", data()), "added " + bob + "\n"); // a password of one's own is never printed
        assertTrue(run("user", "list", TestServer.DOMAIN, "--data", data()).out().lines()
                        .anyMatch(l -> Arrays.asList(l.split("\\s+")).equals(List.of(bob, "enabled", "0", "1M", "0", "50", "imap,smtp"))),
                run("user", "list", "--data", data()).out());
        assertOutput(run("user", "quota", bob, "--messages", "70", "--data", data()), "message quota of " + bob + " set to 70\n");
        assertEquals(70, server.account(bob).quotaMessages());
        assertTrue(imapLogin(bob, "a long enough secret"), "the running server lets the new account in");
        // refusals are checked against the server's directory, not by failing logins the throttle would slow
        assertEquals(AuthResult.ProtocolDisabled.class, login(bob, "a long enough secret", Protocol.POP3).getClass());
        assertTrue(run("settings", bob, "--data", data()).out().lines()
                .filter(l -> l.startsWith("POP3")).allMatch(l -> l.endsWith("(disabled for this account)")));

        assertOutput(run("user", "disable", bob, "--data", data()), "disabled " + bob + "\n");
        assertEquals(AuthResult.AccountDisabled.class, login(bob, "a long enough secret", Protocol.IMAP).getClass());
        assertOutput(run("user", "enable", bob, "--data", data()), "enabled " + bob + "\n");
        assertOutput(runWithInput("another long secret\n", "user", "passwd", bob, "--password-stdin", "--data", data()),
                "password changed for " + bob + "\n");
        assertEquals(AuthResult.BadCredentials.class, login(bob, "a long enough secret", Protocol.IMAP).getClass());
        assertOutput(run("user", "protocols", bob, "imap,pop3,smtp", "--data", data()), "protocols of " + bob + ": imap,pop3,smtp\n");
        assertTrue(pop3Login(bob, "another long secret"));
        assertOutput(run("user", "quota", bob, "0", "--data", data()), "quota of " + bob + " set to 0\n");
        assertEquals(0, server.account(bob).quotaBytes());
        assertOutput(run("user", "remove", bob, "--data", data()), "removed " + bob + "\n");
        assertEquals(AuthResult.BadCredentials.class, login(bob, "another long secret", Protocol.IMAP).getClass());

        Cli.Result weak = runWithInput("short\n", "user", "add", "weak@" + TestServer.DOMAIN, "--password-stdin", "--data", data());
        assertEquals(1, weak.exit());
        assertEquals("letterbox: password too short: use at least 8 characters\n", weak.err());
        Cli.Result noSize = run("user", "add", "q@" + TestServer.DOMAIN, "--quota", "lots", "--data", data());
        assertEquals(1, noSize.exit());
        assertEquals("letterbox: 'lots' is not a size (examples: 500M, 2G, 0)\n", noSize.err());
    }

    @Test
    void domainsWithAccountsAreNotRemovedAndAMissingDataDirIsNamed() {
        assertOutput(run("domain", "add", "busy.test", "--data", data()), "added domain busy.test\n");
        assertEquals(0, run("user", "add", "u@busy.test", "--data", data()).exit());
        Cli.Result refused = run("domain", "remove", "busy.test", "--data", data());
        assertEquals(1, refused.exit());
        assertEquals("letterbox: domain busy.test still has accounts; remove them first\n", refused.err());
        assertOutput(run("user", "remove", "u@busy.test", "--data", data()), "removed u@busy.test\n");
        assertOutput(run("domain", "remove", "busy.test", "--data", data()), "removed domain busy.test\n");
        assertFalse(run("domain", "list", "--data", data()).out().contains("busy.test"));

        Path missing = temp.resolve("nothing-here");
        Cli.Result none = run("user", "list", "--data", missing.toString());
        assertEquals(1, none.exit());
        assertTrue(none.err().startsWith("letterbox: no data directory at " + missing.toAbsolutePath()), none.err());
        assertFalse(Files.exists(missing), "a listing creates nothing");
    }

    @Test
    void aliasesDeliverToTheirTargets() throws Exception {
        String carol = server.newUser("carol");
        String info = "info@" + TestServer.DOMAIN;
        assertOutput(run("alias", "add", info, carol, "--data", data()), "alias " + info + " -> " + carol + "\n");
        assertTrue(run("alias", "list", TestServer.DOMAIN, "--data", data()).out().contains(info + " -> " + carol + "\n"));
        assertOutput(runWithInput("Subject: for info\n\nhello\n", "deliver", info, "--data", data()), "delivered to " + info + "\n");
        assertEquals(1, server.inbox(carol).size());
        assertOutput(run("alias", "remove", info, "--data", data()), "removed alias " + info + "\n");
        assertEquals(EX_NOUSER, runWithInput("Subject: again\n\n", "deliver", info, "--data", data()).exit());
    }

    @Test
    void forwardSetsShowsListsAndStopsAnAccountsForwarding() throws Exception {
        String erin = server.newUser("erin");
        String elsewhere = "erin@elsewhere.example";
        assertOutput(run("forward", erin, elsewhere, "--data", data()), erin + " -> " + elsewhere + " (a copy stays here)\n");
        assertEquals(new Recipient.Deliverable(List.of(server.account(erin)), List.of(elsewhere)),
                server.server().directory().resolve(erin), "the running server forwards and keeps a copy");
        assertOutput(run("forward", erin, elsewhere, "--no-keep", "--data", data()), erin + " -> " + elsewhere + " (no copy kept)\n");
        assertEquals(new Recipient.Deliverable(List.of(), List.of(elsewhere)), server.server().directory().resolve(erin));
        assertOutput(run("forward", erin, "--data", data()), erin + " -> " + elsewhere + " (no copy kept)\n");
        assertTrue(run("forward", "--domain", TestServer.DOMAIN, "--data", data()).out()
                .contains(erin + " -> " + elsewhere + " (no copy kept)\n"));
        // deliver does not relay: an account that only forwards has no local copy to take it
        assertEquals(EX_NOUSER, runWithInput("Subject: x\n\n", "deliver", erin, "--data", data()).exit());

        Cli.Result bad = run("forward", erin, "not-an-address", "--data", data());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("not a valid email address"), bad.err());
        assertEquals(2, run("forward", erin, elsewhere, "--off", "--data", data()).exit());
        assertOutput(run("forward", erin, "--off", "--data", data()), erin + " no longer forwards its mail\n");
        assertOutput(run("forward", erin, "--data", data()), erin + " does not forward its mail\n");
        assertTrue(run("forward", erin, "--off", "--data", data()).err().contains("does not forward"));
        assertEquals(new Recipient.Deliverable(List.of(server.account(erin)), List.of()), server.server().directory().resolve(erin));
    }

    @Test
    void deliverExitCodesFollowSysexits() throws Exception {
        String ok = server.newUser("ok");
        String full = server.newUser("full");
        server.server().directory().setQuota(full, 100);
        String message = "Subject: sysexits\n\n" + "x".repeat(200) + "\n";

        StoredState before = StoredState.of(server);
        assertFailure(EX_NOUSER, "letterbox: unknown recipient nobody@example.test\n", message, "nobody@example.test", ok);
        assertFailure(EX_NOUSER, "letterbox: someone@elsewhere.test is not in a domain hosted here\n", message, "someone@elsewhere.test");
        assertFailure(EX_NOUSER, "letterbox: 'not an address' is not a valid address\n", message, "not an address");
        assertEquals(before, StoredState.of(server), "an unknown recipient stops the delivery before anything is stored");

        Cli.Result overQuota = runWithInput(message, "deliver", ok, full, "--data", data());
        assertEquals(EX_CANTCREAT, overQuota.exit());
        assertEquals("delivered to " + ok + "\n", overQuota.out());
        assertEquals("letterbox: " + full + " is over quota\n", overQuota.err());
        assertEquals(1, server.inbox(ok).size());
        assertEquals(0, server.inbox(full).size());

        // the database refuses the store write (a full disk, a broken page would): try again later
        String unlucky = server.newUser("unlucky");
        try (Refusal refusal = Refusal.ofMessagesFor(server, unlucky)) {
            Cli.Result failed = runWithInput(message, "deliver", unlucky, "--data", data());
            assertEquals(EX_TEMPFAIL, failed.exit(), failed.err());
            assertTrue(failed.err().lines().anyMatch(l -> l.startsWith("letterbox: ") && l.endsWith("try again later")), failed.err());
            assertEquals("", failed.out());
        }
        assertEquals(0, server.inbox(unlucky).size());
        assertOutput(runWithInput(message, "deliver", unlucky, "--data", data()), "delivered to " + unlucky + "\n");
    }

    /**
     * The message itself cannot be written (here: a 2 MiB file size limit, above the SQLite library
     * the launcher unpacks, below the 3.4 MB message — as a full disk would): the
     * MTA must keep it and try again, so 75, not a failure it would bounce. A launcher of its own,
     * for the limit to apply to it alone.
     */
    @Test
    void aDeliverThatCannotWriteTheMessageExitsTempFail() throws Exception {
        Path dir = temp.resolve("data");
        assertEquals(0, run("domain", "add", "small.test", "--data", dir.toString()).exit());
        assertEquals(0, runWithInput("a long enough secret\n", "user", "add", "erin@small.test", "--password-stdin",
                "--data", dir.toString()).exit());
        StoredState before = StoredState.of(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "ulimit -f 2048; exec \"$0\" -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                + " --enable-native-access=ALL-UNNAMED -cp \"$1\" dev.letterbox.cli.Main deliver --data \"$2\" erin@small.test";
        Process p = new ProcessBuilder("/bin/bash", "-c", command, java, System.getProperty("java.class.path"), dir.toString())
                .redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(("Subject: too big for this disk\n\n" + "0123456789abcdef\n".repeat(200_000)).getBytes());
        } catch (IOException e) {
            // the child may stop reading once it failed
        }
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(EX_TEMPFAIL, p.exitValue(), output);
        assertTrue(output.contains("letterbox: not delivered: cannot store the message right now"), output);
        assertEquals(before, StoredState.of(dir), "nothing of the message stays, not even a partial blob");
    }

    @Test
    void settingsWithoutARunningServerComeFromTheConfig() throws Exception {
        Path dir = temp.resolve("data");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("letterbox.toml"), "hostname = \"mx.standalone.test\"\n[listen.ports]\nimaps = 10993\n"
                + "imap = false\npop3 = false\npop3s = 10995\nsubmission = false\nsubmissions = 10465\n");
        assertEquals(0, run("domain", "add", "standalone.test", "--data", dir.toString()).exit());
        assertEquals(0, run("user", "add", "dan@standalone.test", "--data", dir.toString()).exit());
        Cli.Result r = run("settings", "dan@standalone.test", "--data", dir.toString());
        assertEquals(0, r.exit(), r.err());
        assertSetting(r.out(), "IMAP incoming mx.standalone.test 10993 SSL/TLS dan@standalone.test");
        assertSetting(r.out(), "POP3 incoming mx.standalone.test 10995 SSL/TLS dan@standalone.test");
        assertSetting(r.out(), "SMTP outgoing mx.standalone.test 10465 SSL/TLS dan@standalone.test");
        assertEquals(3, r.out().lines().filter(l -> l.matches("(IMAP|POP3|SMTP) .*")).count(), "only the listeners configured: " + r.out());
        assertTrue(r.out().contains("(The server is not running: ports are from the configuration.)"), r.out());
        Cli.Result unknown = run("settings", "eve@standalone.test", "--data", dir.toString());
        assertEquals(1, unknown.exit());
        assertEquals("letterbox: no account eve@standalone.test\n", unknown.err());
    }

    private static void assertOutput(Cli.Result r, String expectedOut) {
        assertEquals(0, r.exit(), "exit code; stderr: " + r.err());
        assertEquals(expectedOut, r.out());
        assertEquals("", r.err());
    }

    private static void assertFailure(int exit, String err, String message, String... recipients) {
        String[] args = new String[recipients.length + 3];
        args[0] = "deliver";
        System.arraycopy(recipients, 0, args, 1, recipients.length);
        args[args.length - 2] = "--data";
        args[args.length - 1] = data();
        Cli.Result r = runWithInput(message, args);
        assertEquals(exit, r.exit(), r.err());
        assertEquals(err, r.err());
        assertEquals("", r.out());
    }

    /** One row of {@code settings}' table, compared field by field (the columns are padded). */
    private static void assertSetting(String out, String expected) {
        List<String> want = List.of(expected.split(" "));
        assertTrue(out.lines().anyMatch(l -> List.of(l.trim().split("\\s+")).equals(want)), "no row '" + expected + "' in:\n" + out);
    }

    private static AuthResult login(String user, String password, Protocol protocol) {
        return server.server().directory().authenticate(user, password.toCharArray(), protocol);
    }

    private static LineClient pop3(String user, String password) throws IOException {
        LineClient c = server.connectTls("pop3s");
        c.expectPrefix("+OK");
        c.send("USER " + user);
        c.expectPrefix("+OK");
        c.send("PASS " + password);
        c.expectPrefix("+OK");
        return c;
    }

    private static boolean pop3Login(String user, String password) throws IOException {
        try (LineClient c = server.connectTls("pop3s")) {
            c.expectPrefix("+OK");
            c.send("USER " + user);
            c.readLine();
            c.send("PASS " + password);
            return c.readLine().startsWith("+OK");
        }
    }

    private static boolean imapLogin(String user, String password) throws IOException {
        try (LineClient c = server.connectTls("imaps")) {
            c.expectPrefix("* OK");
            c.send("a LOGIN \"" + user + "\" \"" + password + "\"");
            String line;
            do {
                line = c.readLine();
            } while (line != null && !line.startsWith("a "));
            return line != null && line.startsWith("a OK");
        }
    }

    /**
     * Makes the database itself refuse new messages in one account's INBOX (a trigger), as a full
     * disk or a damaged page would: the failure is the store's, wherever the writing process runs.
     */
    private record Refusal(String jdbcUrl, boolean postgres) implements AutoCloseable {
        static Refusal ofMessagesFor(TestServer server, String address) throws Exception {
            long account = server.account(address).id();
            long inbox = server.server().store().read(account, tx -> tx.mailbox("INBOX").orElseThrow().id());
            Refusal r = new Refusal(server.jdbcUrl(), TestServer.onPostgres());
            if (r.postgres) {
                r.execute("CREATE FUNCTION test_refusal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.mailbox_id = "
                        + inbox + " THEN RAISE EXCEPTION 'disk I/O error (injected)'; END IF; RETURN NEW; END $$");
                r.execute("CREATE TRIGGER test_refusal BEFORE INSERT ON message FOR EACH ROW EXECUTE FUNCTION test_refusal()");
            } else {
                r.execute("CREATE TRIGGER test_refusal BEFORE INSERT ON message WHEN NEW.mailbox_id = " + inbox
                        + " BEGIN SELECT RAISE(ABORT, 'disk I/O error (injected)'); END");
            }
            return r;
        }

        private void execute(String sql) throws Exception {
            try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
                if (!postgres) s.execute("PRAGMA busy_timeout = 10000");
                s.execute(sql);
            }
        }

        @Override
        public void close() throws Exception {
            execute(postgres ? "DROP TRIGGER test_refusal ON message" : "DROP TRIGGER test_refusal");
            if (postgres) execute("DROP FUNCTION test_refusal()");
        }
    }
}
