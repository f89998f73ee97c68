package dev.letterbox.relay;

import static dev.letterbox.testing.Mail.awaitGone;
import static dev.letterbox.testing.Mail.awaitInbox;
import static dev.letterbox.testing.Mail.awaitRecipient;
import static dev.letterbox.testing.Mail.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.Protocol;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.testing.Eventually;
import dev.letterbox.testing.TestDnsServer;
import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS that must verify: a destination in {@code require_tls_domains}, and the smarthost, which
 * gets our password. The receiver, other.test, has a self-signed certificate for mail.other.test:
 * trusted only where the sender's {@code trusted_certificates} names it.
 */
class RelayTlsTest {
    static TestDnsServer dns;
    static TestServer other;

    @TempDir
    static Path temp;

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDnsServer();
        other = new TestServer("other.test", "");
        other.start();
        dns.mx("other.test", 10, "mail.other.test").a("mail.other.test", "127.0.0.1");
    }

    @AfterAll
    static void stop() {
        if (other != null) other.stop();
        if (dns != null) dns.close();
    }

    private static TestServer sender(String delivery) throws Exception {
        TestServer s = new TestServer("example.test", "[dns]\nservers = [\"" + dns.address() + "\"]\n"
                + "[delivery]\nremote_port = " + other.port("smtp") + "\nretry_intervals = [\"1s\"]\n" + delivery);
        s.start();
        return s;
    }

    private static String certificateOfOther() {
        return other.dataDir().resolve("tls").resolve("cert.pem").toString();
    }

    @Test
    void aRequiredTlsDomainGetsNothingFromAServerWhoseCertificateDoesNotVerify() throws Exception {
        TestServer sender = sender("require_tls_domains = [\"Other.test\"]\n");
        try {
            String alice = sender.newUser("alice");
            long id = submit(sender, alice, other.newUser("bob"), "only over verified tls");
            QueuedMessage.Recipient r = awaitRecipient(sender, id, "a deferral", x -> x.state() == QueuedMessage.State.DEFERRED);
            assertTrue(r.lastError().orElseThrow().startsWith("451 4.7.5 TLS handshake with mail.other.test [127.0.0.1]:"),
                    r.lastError().get());
            assertTrue(sender.server().queue().remove(id, "test"));
        } finally {
            sender.stop();
        }
    }

    @Test
    void aRequiredTlsDomainIsServedWhenItsCertificateIsTrusted() throws Exception {
        TestServer sender = sender("require_tls_domains = [\"other.test\"]\ntrusted_certificates = \"" + certificateOfOther() + "\"\n");
        try {
            String alice = sender.newUser("alice");
            String bob = other.newUser("bob");
            long id = submit(sender, alice, bob, "verified");
            String got = awaitInbox(other, bob, 1).getFirst();
            assertTrue(got.contains(" with ESMTPS (TLSv1.3 "), "the hop to other.test was encrypted: " + got);
            awaitGone(sender, id);
        } finally {
            sender.stop();
        }
    }

    @Test
    void everythingGoesThroughTheSmarthostWithItsLogin() throws Exception {
        // other.test plays the smarthost: our user has an account there (same address, its own password)
        other.server().directory().addDomain("example.test");
        String alice = "smart-alice@example.test";
        other.server().directory().addAccount(alice, "smarthost password".toCharArray(), 0, Protocol.all());
        Path passwordFile = temp.resolve("smarthost.pw");
        Files.writeString(passwordFile, "smarthost password\n");
        // trusted_certificates belongs to [delivery], before the [delivery.smarthost] table
        TestServer sender = sender("trusted_certificates = \"" + certificateOfOther() + "\"\n[delivery.smarthost]\n"
                + "host = \"mail.other.test\"\nport = " + other.port("submission") + "\nusername = \"" + alice + "\"\n"
                + "password_file = \"" + passwordFile + "\"\n");
        try {
            sender.server().directory().addAccount(alice, TestServer.PASSWORD.toCharArray(), 0, Protocol.all());
            long id = submit(sender, alice, "carol@far-away.test", "via the smarthost");
            awaitGone(sender, id);
            QueuedMessage atSmarthost = Eventually.await(Duration.ofSeconds(10), "the message in the smarthost's queue",
                    () -> other.server().store().queue().list(0, 1000).stream()
                            .filter(m -> m.envelope().sender().equals(alice)).findFirst());
            assertEquals("carol@far-away.test", atSmarthost.recipients().getFirst().address());
            try (var in = other.server().store().blobs().open(atSmarthost.envelope().blob())) {
                String queued = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(queued.startsWith("Received: from " + sender.hostname()) && queued.contains(" with ESMTPSA (TLSv1.3 "),
                        "we logged in over TLS: " + queued);
            }
        } finally {
            sender.stop();
        }
    }
}
