package dev.letterbox.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.letterbox.net.PemFiles;
import dev.letterbox.net.SelfSignedCertificate;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's {@code pebble}, Let's Encrypt's ACME test CA, on loopback: its own HTTPS certificate (for
 * "localhost", which the server under test is told to trust), DNS questions sent to a test DNS
 * server, HTTP-01 and TLS-ALPN-01 checks against given ports. Each run has a fresh random root. Skipped when pebble
 * is not installed, except in CI ({@code LETTERBOX_REQUIRE_TOOLS=1}), where .ci/run installs it.
 */
public final class PebbleServer implements AutoCloseable {
    private static final Path PATH = Path.of("/usr/bin/pebble");

    private final Process process;
    private final Path dir;
    private final int port, managementPort;

    private PebbleServer(Process process, Path dir, int port, int managementPort) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.managementPort = managementPort;
    }

    /**
     * Starts pebble validating HTTP-01 on {@code httpPort}, TLS-ALPN-01 on {@code tlsPort}, resolving
     * names through {@code dns}.
     */
    public static PebbleServer start(int httpPort, int tlsPort, TestDnsServer dns) throws IOException, InterruptedException {
        boolean installed = Files.isExecutable(PATH);
        if (!"1".equals(System.getenv("LETTERBOX_REQUIRE_TOOLS"))) assumeTrue(installed, "pebble not installed");
        if (!installed) throw new IllegalStateException("pebble is required (LETTERBOX_REQUIRE_TOOLS=1) but missing: " + PATH);
        Path dir = Files.createTempDirectory("pebble-");
        var generated = SelfSignedCertificate.generate("localhost");
        PemFiles.writeAtomically(dir.resolve("cert.pem"), PemFiles.encode(generated.certificate()), false);
        PemFiles.writeAtomically(dir.resolve("key.pem"), PemFiles.encodePkcs8(generated.keyPair().getPrivate()), true);
        int port = freePort(), management = freePort();
        Files.writeString(dir.resolve("pebble.json"), """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
                """.formatted(port, management, dir.resolve("cert.pem"), dir.resolve("key.pem"), httpPort, tlsPort));
        ProcessBuilder pb = new ProcessBuilder(PATH.toString(), "-config", dir.resolve("pebble.json").toString(),
                "-dnsserver", dns.address()).redirectErrorStream(true).redirectOutput(dir.resolve("pebble.log").toFile());
        pb.environment().put("PEBBLE_VA_NOSLEEP", "1"); // validate at once, not after a random pause
        pb.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        PebbleServer pebble = new PebbleServer(pb.start(), dir, port, management);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!pebble.listening()) {
            if (!pebble.process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(dir.resolve("pebble.log"));
                pebble.close();
                throw new IOException("pebble did not start: " + log);
            }
            Thread.sleep(50);
        }
        return pebble;
    }

    private boolean listening() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The ACME directory URL. */
    public String directory() {
        return "https://localhost:" + port + "/dir";
    }

    /** The PEM file of pebble's own HTTPS certificate, to trust for the directory. */
    public Path directoryCertificate() {
        return dir.resolve("cert.pem");
    }

    /** The management interface's URL of the root that signs this run's certificates (PEM). */
    public String rootUrl() {
        return "https://localhost:" + managementPort + "/roots/0";
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("pebble.log"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TestServer.deleteTree(dir);
    }
}
