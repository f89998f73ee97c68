package dev.letterbox.cli;

import static dev.letterbox.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.PasswordLogins;
import dev.letterbox.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code letterbox app-password} against a running server's data directory. */
class AppPasswordCommandTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private static String data() {
        return server.dataDir().toString();
    }

    @Test
    void addPrintsThePasswordOnceListShowsItAndRevokeEndsIt() throws Exception {
        String user = server.newUser("cli");
        Cli.Result added = run("app-password", "add", user, "Thunderbird", "--protocols", "imap,smtp", "--data", data());
        assertEquals(0, added.exit(), added.err());
        List<String> lines = added.out().lines().toList();
        assertEquals("added app password 'Thunderbird' for " + user + " (imap,smtp)", lines.get(0));
        assertTrue(lines.get(1).startsWith("password: "), added.out());
        String secret = lines.get(1).substring("password: ".length());
        try (var a = PasswordLogins.login(server, "smtp", user, secret)) {
            assertTrue(a.ok(), a.answer());
        }

        Cli.Result listed = run("app-password", "list", user, "--data", data());
        assertEquals(0, listed.exit(), listed.err());
        assertTrue(listed.out().lines().anyMatch(l -> l.startsWith("Thunderbird") && l.contains("imap,smtp") && l.endsWith("127.0.0.1")),
                listed.out());
        assertFalse(listed.out().contains(secret));

        Cli.Result bad = run("app-password", "add", user, "X", "--protocols", "imap,gopher", "--data", data());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("unknown protocol 'gopher'"), bad.err());
        Cli.Result twice = run("app-password", "add", user, "Thunderbird", "--data", data());
        assertEquals(1, twice.exit());

        assertEquals(0, run("app-password", "revoke", user, "Thunderbird", "--data", data()).exit());
        try (var a = PasswordLogins.login(server, "smtp", user, secret)) {
            assertFalse(a.ok(), "revoked: " + a.answer());
        }
        Cli.Result none = run("app-password", "revoke", user, "Thunderbird", "--data", data());
        assertEquals(1, none.exit());
        assertEquals("letterbox: " + user + " has no app password named 'Thunderbird'\n", none.err());

        assertEquals(0, run("app-password", "require", user, "on", "--data", data()).exit());
        try (var a = PasswordLogins.login(server, "imap", user, TestServer.PASSWORD)) {
            assertFalse(a.ok(), a.answer());
        }
    }
}
