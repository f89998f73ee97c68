package dev.letterbox.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.dkim.DkimAlgorithm;
import dev.letterbox.dkim.DkimKey;
import dev.letterbox.dkim.DkimKeyStore;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.testing.Mail;
import dev.letterbox.testing.PythonDkim;
import dev.letterbox.testing.TestDnsServer;
import dev.letterbox.testing.TestServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail from the Internet to an alias of ours that forwards to another server, or that a user's
 * Sieve script redirects there, is sealed with ARC (RFC 8617) by our domain, over the copy as it
 * leaves: an independent implementation (python3-dkim) validates the chain.
 */
@Timeout(60)
class ForwardSealTest {
    @TempDir
    static Path dir;
    static TestDnsServer dns;
    static TestServer server;
    static DkimKey sealing;

    @BeforeAll
    static void start() throws Exception {
        PythonDkim.assumeAvailable();
        dns = new TestDnsServer();
        dns.ptr("127.0.0.1", "client.example.org").a("client.example.org", "127.0.0.1");
        dns.txt("example.org", "v=spf1 ip4:127.0.0.0/8 -all");
        server = new TestServer("[dns]\nservers = [\"" + dns.address() + "\"]\ntimeout = \"1s\"\n[antispam]\nfcrdns = \"record\"\n");
        server.start();
        sealing = new DkimKeyStore(server.dataDir()).generate(server.domain(), "arc2026", DkimAlgorithm.RSA_SHA256);
        dns.txtLong(sealing.recordName(), sealing.recordValue());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.stop();
        if (dns != null) dns.close();
    }

    @Test
    void aForwardedMessageLeavesWithAnArcSetThatValidates() throws Exception {
        String alias = "forward-" + System.nanoTime() + "@" + server.domain();
        server.server().directory().addAlias(alias, "someone@elsewhere.example");
        sendFromTheInternet(alias, "<fwd@example.org>");
        assertSealedAndValid(queuedFor("someone@elsewhere.example"));
    }

    /** A forward a Sieve script decides after the body has streamed in is sealed all the same. */
    @Test
    void aSieveRedirectLeavesWithAnArcSetThatValidates() throws Exception {
        String user = server.newUser("redirecting");
        long account = server.account(user).id();
        server.server().store().sieveScripts().put(account, "main", "redirect \"elsewhere@redirect.example\";", 10);
        server.server().store().sieveScripts().setActive(account, java.util.Optional.of("main"));
        sendFromTheInternet(user, "<redirect@example.org>");
        assertSealedAndValid(queuedFor("elsewhere@redirect.example"));
    }

    private static void sendFromTheInternet(String to, String messageId) throws Exception {
        String reply = Mail.sendOverPort25(server, "alice@example.org", to, "From: Alice <alice@example.org>\r\nTo: " + to
                + "\r\nSubject: for you\r\nDate: Sun, 6 Dec 2026 00:00:00 +0000\r\nMessage-ID: " + messageId
                + "\r\n\r\nforwarded body\r\n");
        assertTrue(reply.startsWith("250 "), reply);
    }

    /** The bytes of the queued copy for {@code recipient}, as they will leave. */
    private static byte[] queuedFor(String recipient) throws Exception {
        List<QueuedMessage> queued = server.server().store().queue().list(0, 1000);
        QueuedMessage m = queued.stream().filter(q -> q.recipients().getFirst().address().equals(recipient))
                .findFirst().orElseThrow();
        try (InputStream in = server.server().store().blobs().open(m.envelope().blob())) {
            return in.readAllBytes();
        }
    }

    private static void assertSealedAndValid(byte[] bytes) throws Exception {
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("ARC-Seal: i=1; a=rsa-sha256; t="), text);
        assertTrue(text.contains("cv=none"), text);
        assertTrue(text.contains("ARC-Message-Signature: i=1; a=rsa-sha256;"), text);
        assertTrue(text.contains("ARC-Authentication-Results: i=1; " + server.hostname() + "; iprev=pass"), text);
        assertTrue(text.contains("spf=pass smtp.mailfrom=example.org"), text);
        String verdict = PythonDkim.arcVerify(dir, bytes, Map.of(sealing.recordName(), sealing.recordValue()));
        assertEquals("pass", verdict.split(" ")[0], verdict);
    }
}
