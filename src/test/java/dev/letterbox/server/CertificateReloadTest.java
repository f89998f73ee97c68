package dev.letterbox.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.letterbox.net.PemFiles;
import dev.letterbox.net.SelfSignedCertificate;
import dev.letterbox.testing.Eventually;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.ServedCertificates;
import dev.letterbox.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A configured certificate is read again on SIGHUP (as an operator's renewal script expects): new
 * connections get the new one on every TLS listener, sessions already open go on, and files that do
 * not make a pair leave the certificate served until then in place.
 */
class CertificateReloadTest {
    @Test
    void sighupServesTheNewCertificateToNewConnectionsAndKeepsOpenSessions() throws Exception {
        Path dir = Files.createTempDirectory("certs-");
        Path cert = dir.resolve("cert.pem"), key = dir.resolve("key.pem");
        X509Certificate first = write(cert, key, "mail.example.test");
        TestServer server = new TestServer("[tls]\ncertificate = \"" + cert + "\"\nprivate_key = \"" + key + "\"\n");
        server.start();
        // a JVM started with SIGHUP ignored (under nohup) cannot take it: there is nothing to test then
        Assumptions.assumeTrue(ReloadSignal.listening(), "SIGHUP is ignored in this process (started under nohup?)");
        try (LineClient open = server.connectTls("imaps")) {
            open.expectPrefix("* OK");
            assertEquals(first, served(server, "imaps").orElseThrow());

            X509Certificate second = write(cert, key, "mail.example.test");
            hangup();
            Eventually.until(Duration.ofSeconds(20), "the new certificate served",
                    () -> served(server, "imaps").filter(second::equals).isPresent());
            assertEquals(second, served(server, "submissions").orElseThrow(), "every listener");
            open.send("a NOOP");
            open.expectPrefix("a OK");

            // a key that does not belong to the certificate: refused, the one served stays
            write(cert, dir.resolve("other-key.pem"), "mail.example.test");
            hangup();
            Thread.sleep(1000);
            assertEquals(second, served(server, "imaps").orElseThrow());
        } finally {
            server.stop();
            TestServer.deleteTree(dir);
        }
    }

    private static X509Certificate write(Path cert, Path key, String host) throws Exception {
        var generated = SelfSignedCertificate.generate(host);
        PemFiles.writeAtomically(key, PemFiles.encodePkcs8(generated.keyPair().getPrivate()), true);
        PemFiles.writeAtomically(cert, PemFiles.encode(generated.certificate()), false);
        return generated.certificate();
    }

    /** SIGHUP to this JVM, where the server under test runs. */
    private static void hangup() throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
        assertEquals(0, kill.waitFor());
    }

    private static Optional<X509Certificate> served(TestServer server, String listener) {
        return ServedCertificates.leaf(server.port(listener));
    }
}
