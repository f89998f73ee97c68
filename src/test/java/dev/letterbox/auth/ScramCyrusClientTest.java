package dev.letterbox.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SCRAM-SHA-256 with the client of another mail server's project: Cyrus's {@code imtest} and
 * {@code smtptest} (Debian's cyrus-clients) run the exchange through Cyrus SASL's SCRAM plugin
 * (libsasl2-modules), which checks the server's signature in the server-final message and fails the
 * login when it is wrong. Skipped when they are not installed, except in CI
 * ({@code LETTERBOX_REQUIRE_TOOLS=1}), where .ci/run installs them.
 */
class ScramCyrusClientTest {
    private static final Path BIN = Path.of("/usr/lib/cyrus/bin");
    private static final Path PLUGIN = Path.of("/usr/lib/x86_64-linux-gnu/sasl2/libscram.so"); // Debian amd64

    @RegisterExtension
    static final TestServer server = new TestServer();

    @BeforeAll
    static void clientsInstalled() {
        boolean installed = Files.isExecutable(BIN.resolve("imtest")) && Files.isExecutable(BIN.resolve("smtptest"))
                && Files.exists(PLUGIN);
        if (!"1".equals(System.getenv("LETTERBOX_REQUIRE_TOOLS"))) assumeTrue(installed, "cyrus-clients not installed");
        if (!installed) throw new IllegalStateException("cyrus-clients and libsasl2-modules are required (LETTERBOX_REQUIRE_TOOLS=1)");
    }

    @Test
    void imtestLogsInWithScramAndARightPasswordOnly() throws Exception {
        String user = server.newUser("cyrus");
        String good = run("imtest", server.port("imaps"), user, TestServer.PASSWORD, "a1 LOGOUT\r\n");
        assertTrue(good.contains("AUTHENTICATE SCRAM-SHA-256"), good);
        assertTrue(good.contains("Authenticated."), good);
        String bad = run("imtest", server.port("imaps"), user, "not-" + TestServer.PASSWORD, "a1 LOGOUT\r\n");
        assertTrue(bad.contains("AUTHENTICATE SCRAM-SHA-256"), bad);
        assertFalse(bad.contains("Authenticated."), bad);
    }

    @Test
    void smtptestLogsInWithScramOnSubmission() throws Exception {
        String user = server.newUser("cyrus-smtp");
        String out = run("smtptest", server.port("submissions"), user, TestServer.PASSWORD, "QUIT\r\n");
        assertTrue(out.contains("AUTH SCRAM-SHA-256"), out);
        assertTrue(out.contains("Authenticated."), out);
    }

    /** One run of a Cyrus test client over implicit TLS; what it printed. */
    private static String run(String tool, int port, String user, String password, String input) throws Exception {
        Process p = new ProcessBuilder(List.of(BIN.resolve(tool).toString(), "-s", "-p", Integer.toString(port),
                "-m", "SCRAM-SHA-256", "-a", user, "-w", password, "127.0.0.1"))
                .redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), tool + " did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, out.length() > 0, tool + " printed nothing");
        return out;
    }
}
