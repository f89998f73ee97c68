package dev.letterbox.cli;

import static dev.letterbox.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server routes each RCPT by what the directory says at that moment: an account or a domain
 * removed by the CLI (another store, as another process would be) is refused at the next RCPT,
 * in the same SMTP session even; nothing the server remembered keeps taking mail for it.
 */
class RecipientChangesWhileRunningTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @Test
    void aRemovedAccountOrDomainIsRefusedAtTheNextRcpt() throws Exception {
        String data = server.dataDir().toString();
        ok(run("domain", "add", "leaving.test", "--data", data));
        ok(run("user", "add", "carol@leaving.test", "--data", data));
        String dave = server.newUser("dave");
        try (LineClient c = server.connect("smtp")) {
            expect(c, "220 ");
            c.send("EHLO client.example.org");
            expect(c, "250 ");
            c.send("MAIL FROM:<sender@example.org>");
            expect(c, "250 2.1.0");
            c.send("RCPT TO:<" + dave + ">");
            expect(c, "250 2.1.5");
            c.send("RCPT TO:<carol@leaving.test>");
            expect(c, "250 2.1.5");

            ok(run("user", "remove", dave, "--data", data));
            c.send("RCPT TO:<" + dave + ">");
            expect(c, "550 5.1.1"); // the domain is still ours: no such user

            ok(run("user", "remove", "carol@leaving.test", "--data", data));
            c.send("RCPT TO:<carol@leaving.test>");
            expect(c, "550 5.1.1");
            ok(run("domain", "remove", "leaving.test", "--data", data));
            c.send("RCPT TO:<carol@leaving.test>");
            expect(c, "554 5.7.1"); // not ours any more: a relay, refused
        }
    }

    private static void ok(Cli.Result r) {
        assertEquals(0, r.exit(), r.err());
    }

    private static void expect(LineClient c, String prefix) throws IOException {
        String line;
        do {
            line = c.readLine();
            assertTrue(line != null, "connection closed, expected " + prefix);
        } while (line.length() > 3 && line.charAt(3) == '-');
        assertTrue(line.startsWith(prefix), "expected '" + prefix + "...' but got " + line);
    }
}
