package dev.letterbox.managesieve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.letterbox.store.SieveScripts;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real client users script with: {@code sieve-connect} (Debian's package), over STARTTLS with
 * PLAIN as it does by default. Skipped when it is not installed, except in CI
 * ({@code LETTERBOX_REQUIRE_TOOLS=1}), where .ci/run installs it.
 */
class SieveConnectTest {
    private static final Path PATH = Path.of("/usr/bin/sieve-connect");

    @RegisterExtension
    static final TestServer server = new TestServer();

    @TempDir
    Path dir;

    @BeforeAll
    static void requireInstalled() {
        boolean installed = Files.isExecutable(PATH);
        if (!"1".equals(System.getenv("LETTERBOX_REQUIRE_TOOLS"))) assumeTrue(installed, "sieve-connect not installed");
        if (!installed) throw new IllegalStateException("sieve-connect is required (LETTERBOX_REQUIRE_TOOLS=1) but missing: " + PATH);
    }

    private record Run(int exit, String output) {}

    /** Runs sieve-connect as {@code user} with {@code action}; the password goes in on stdin (--passwordfd 0). */
    private Run sieveConnect(String user, String... action) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PATH.toString(), "--server", "127.0.0.1",
                "--port", Integer.toString(server.port("managesieve")), "--user", user, "--authmech", "PLAIN",
                "--notlsverify", "--passwordfd", "0"));
        command.addAll(List.of(action));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().write((TestServer.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "sieve-connect finished");
        return new Run(p.exitValue(), output);
    }

    @Test
    void uploadListActivateDownloadAndDelete() throws Exception {
        String user = server.newUser("sc");
        long id = server.account(user).id();
        String script = "require [\"fileinto\"];\nif header :contains \"List-Id\" \"dev.example.org\" {\n  fileinto \"Lists\";\n}\n";
        Path local = Files.writeString(dir.resolve("lists.sieve"), script);

        Run upload = sieveConnect(user, "--upload", "--localsieve", local.toString(), "--remotesieve", "lists");
        assertEquals(0, upload.exit(), upload.output());
        assertEquals(script, server.server().store().sieveScripts().get(id, "lists").orElseThrow().content());

        Run activate = sieveConnect(user, "--activate", "--remotesieve", "lists");
        assertEquals(0, activate.exit(), activate.output());
        assertEquals("lists", server.server().store().sieveScripts().active(id).orElseThrow().name());

        Run list = sieveConnect(user, "--list");
        assertEquals(0, list.exit(), list.output());
        assertTrue(list.output().lines().anyMatch(l -> l.equals("\"lists\" ACTIVE")), list.output()); // as the server sent it

        Path back = dir.resolve("back.sieve");
        Run download = sieveConnect(user, "--download", "--remotesieve", "lists", "--localsieve", back.toString());
        assertEquals(0, download.exit(), download.output());
        assertEquals(script, Files.readString(back));

        Run refused = sieveConnect(user, "--delete", "--remotesieve", "lists");
        assertNotEquals(0, refused.exit(), "the active script is not deleted: " + refused.output());
        Run deactivate = sieveConnect(user, "--deactivate");
        assertEquals(0, deactivate.exit(), deactivate.output());
        Run delete = sieveConnect(user, "--delete", "--remotesieve", "lists");
        assertEquals(0, delete.exit(), delete.output());
        assertEquals(List.<SieveScripts.Listed>of(), server.server().store().sieveScripts().list(id));
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        String user = server.newUser("scbad");
        List<String> command = List.of(PATH.toString(), "--server", "127.0.0.1", "--port",
                Integer.toString(server.port("managesieve")), "--user", user, "--notlsverify", "--passwordfd", "0", "--list");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().write("wrong\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertNotEquals(0, p.exitValue(), output);
        assertTrue(output.contains("Authentication failed"), output);
    }
}
