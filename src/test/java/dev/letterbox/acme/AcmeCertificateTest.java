package dev.letterbox.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.net.PemFiles;
import dev.letterbox.net.ServerTls;
import dev.letterbox.testing.Eventually;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.LogCapture;
import dev.letterbox.testing.PebbleServer;
import dev.letterbox.testing.ServedCertificates;
import dev.letterbox.testing.TestDnsServer;
import dev.letterbox.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * [tls.acme] against Debian's pebble (Let's Encrypt's test CA) on loopback: the server gets a
 * certificate for its host name and the hosted domain's client-settings names by HTTP-01 on its http
 * listener, serves it on every TLS listener without a restart, keeps it when an order fails, and
 * renews it (here: at once after a restart, with renew_after_percent = 0) while sessions stay up.
 */
class AcmeCertificateTest {
    private static final List<String> NAMES = List.of("mail.example.test", "autoconfig.example.test",
            "autodiscover.example.test", "mta-sts.example.test");

    @Test
    void aCertificateIsObtainedServedKeptWhenAnOrderFailsAndRenewedWithoutDroppingSessions() throws Exception {
        int httpPort = PebbleServer.freePort();
        try (TestDnsServer dns = new TestDnsServer(); PebbleServer pebble = PebbleServer.start(httpPort, PebbleServer.freePort(), dns);
             LogCapture log = LogCapture.of("letterbox.acme")) {
            for (String name : NAMES) dns.a(name, "127.0.0.1"); // the first order may cover the host name alone: the domain comes after
            String acme = "[tls.acme]\ndirectory = \"" + pebble.directory() + "\"\ncontact = \"mailto:postmaster@example.test\"\n"
                    + "directory_ca = \"" + pebble.directoryCertificate() + "\"\n";
            // a host name the CA cannot reach: no certificate, the log says why, the one served stays
            TestServer unreachable = new TestServer("nowhere.test", acme);
            unreachable.start();
            try {
                X509Certificate before = served(unreachable, "imaps").orElseThrow();
                Eventually.until(Duration.ofSeconds(60), "a failed order logged: " + log.lines(), () -> log.lines().stream()
                        .anyMatch(l -> l.contains("no certificate from") && l.contains("mail.nowhere.test") && l.contains("trying again in")));
                assertEquals(before, served(unreachable, "imaps").orElseThrow());
                assertTrue(!fromPebble(before), before.getIssuerX500Principal().toString());
            } finally {
                unreachable.stop();
            }

            TestServer server = new TestServer(acme).fixedPort("http", httpPort);
            server.start();
            try {
                X509Certificate first = Eventually.await(Duration.ofSeconds(90), "a certificate from pebble: " + log.lines(),
                        () -> served(server, "imaps").filter(c -> fromPebble(c) && names(c).containsAll(NAMES)));
                X509Certificate root = pebbleRoot(pebble);
                for (String listener : List.of("imaps", "pop3s", "submissions")) {
                    List<X509Certificate> chain = chain(server, listener);
                    assertEquals(first, chain.getFirst(), listener + " serves it too");
                    assertValid(chain, root);
                }
                assertTrue(names(first).containsAll(NAMES), names(first).toString());

            } catch (RuntimeException | Error e) {
                throw new AssertionError(e.getMessage() + "\npebble log:\n" + pebble.log(), e);
            } finally {
                server.stopKeepingData();
            }
            TestServer restarted = server.restartedWith(acme.replace("[tls.acme]\n", "[tls.acme]\nrenew_after_percent = 0\n"));
            restarted.start();
            try {
                // served from the files at once after the restart, and a session opened now survives the renewal
                X509Certificate first = served(restarted, "imaps").orElseThrow();
                assertTrue(fromPebble(first), first.getIssuerX500Principal().toString());
                try (LineClient imap = restarted.connectTls("imaps")) {
                    imap.expectPrefix("* OK");
                    X509Certificate renewed = Eventually.await(Duration.ofSeconds(90), "a renewed certificate: " + log.lines(),
                            () -> served(restarted, "imaps").filter(c -> !c.getSerialNumber().equals(first.getSerialNumber())));
                    assertNotEquals(first.getSerialNumber(), renewed.getSerialNumber());
                    imap.send("a NOOP");
                    imap.expectPrefix("a OK");
                }
            } finally {
                restarted.stop();
                server.stop();
            }
        }
    }

    /** TLS-ALPN-01 (RFC 8737): the CA checks on the https listener; the http one is not where it looks. */
    @Test
    void tlsAlpn01ProvesTheNamesOnTheHttpsListener() throws Exception {
        int httpsPort = PebbleServer.freePort();
        try (TestDnsServer dns = new TestDnsServer(); PebbleServer pebble = PebbleServer.start(PebbleServer.freePort(), httpsPort, dns);
             LogCapture log = LogCapture.of("letterbox.acme")) {
            for (String name : NAMES) dns.a(name, "127.0.0.1");
            TestServer server = new TestServer("[tls.acme]\ndirectory = \"" + pebble.directory() + "\"\nchallenge = \"tls-alpn-01\"\n"
                    + "directory_ca = \"" + pebble.directoryCertificate() + "\"\n").fixedPort("https", httpsPort);
            server.start();
            try {
                X509Certificate issued = Eventually.await(Duration.ofSeconds(90), "a certificate by TLS-ALPN-01: " + log.lines(),
                        () -> served(server, "imaps").filter(c -> fromPebble(c) && names(c).containsAll(NAMES)));
                assertValid(chain(server, "https"), pebbleRoot(pebble));
                assertEquals(issued, chain(server, "https").getFirst(), "a plain HTTPS client gets the certificate, not a challenge one");
                // pebble's HTTP-01 port has nothing listening, and it never tried it: TLS-ALPN-01 proved the names
                assertTrue(!pebble.log().contains("validate w/ HTTP"), "no HTTP-01 validation");
            } catch (RuntimeException | Error e) {
                throw new AssertionError(e.getMessage() + "\npebble log:\n" + pebble.log(), e);
            } finally {
                server.stop();
            }
        }
    }

    private static boolean fromPebble(X509Certificate c) {
        return c.getIssuerX500Principal().getName().toLowerCase().contains("pebble");
    }

    private static Optional<X509Certificate> served(TestServer server, String listener) {
        return ServedCertificates.leaf(server.port(listener));
    }

    private static List<X509Certificate> chain(TestServer server, String listener) throws Exception {
        return ServedCertificates.chain(server.port(listener));
    }

    private static X509Certificate pebbleRoot(PebbleServer pebble) throws Exception {
        SSLContext trustPebble = ServerTls.clientContextTrusting(PemFiles.readCertificates(pebble.directoryCertificate())
                .toArray(X509Certificate[]::new));
        HttpClient http = HttpClient.newBuilder().sslContext(trustPebble).build();
        String pem = http.send(HttpRequest.newBuilder(URI.create(pebble.rootUrl())).build(), HttpResponse.BodyHandlers.ofString()).body();
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static void assertValid(List<X509Certificate> chain, X509Certificate root) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
    }

    private static List<String> names(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            for (List<?> san : c.getSubjectAlternativeNames()) if (Integer.valueOf(2).equals(san.get(0))) out.add((String) san.get(1));
        } catch (java.security.cert.CertificateParsingException e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
