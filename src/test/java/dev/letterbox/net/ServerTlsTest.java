package dev.letterbox.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Loading operators' PEM files and the self-signed fallback, each proven by a real handshake. */
@Timeout(30)
class ServerTlsTest {
    @TempDir
    Path dir;

    @Test
    void loadsAnRsaKeyInTraditionalFormat() throws Exception {
        KeyPair pair = keyPair("RSA");
        Path cert = writePem("rsa-cert.pem", certificateFor(pair, "SHA256withRSA"));
        Path key = writePem("rsa-key.pem", pair.getPrivate()); // BC writes RSA keys as PKCS#1
        assertTrue(Files.readString(key).contains("-----BEGIN RSA PRIVATE KEY-----"));
        handshakeWith(ServerTls.fromPem(cert, key));
    }

    @Test
    void loadsAnEcKeyInPkcs8Format() throws Exception {
        KeyPair pair = keyPair("EC");
        Path cert = writePem("ec-cert.pem", certificateFor(pair, "SHA256withECDSA"));
        Path key = writePem("ec-key.pem", new JcaPKCS8Generator(pair.getPrivate(), null).generate());
        assertTrue(Files.readString(key).contains("-----BEGIN PRIVATE KEY-----"));
        handshakeWith(ServerTls.fromPem(cert, key));
    }

    @Test
    void loadsAnEcKeyInTraditionalFormatAsOpensslWritesIt() throws Exception {
        KeyPair pair = keyPair("EC");
        Path cert = writePem("ec-cert.pem", certificateFor(pair, "SHA256withECDSA"));
        // `openssl ecparam -genkey -name prime256v1`: a parameters block, then the key with its curve
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
        ECPrivateKey traditional = new ECPrivateKey(256, ((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS(),
                publicKey.getPublicKeyData(), publicKey.getAlgorithm().getParameters());
        Path key = dir.resolve("ec-key.pem");
        Files.writeString(key, "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + PemFiles.encode(new PemObject("EC PRIVATE KEY", traditional.getEncoded())));
        handshakeWith(ServerTls.fromPem(cert, key));
    }

    /**
     * Every handshake signs with the key decoded when the server started. The JDK's PKIX key manager
     * named the key anew for each handshake and so decrypted it from its PKCS#12 store each time
     * (10,000 PBKDF2 rounds, ~5 ms of CPU once warm, more than the rest of the server's side of a
     * TLS 1.3 handshake): a new key object per handshake.
     */
    @Test
    void handshakesShareTheKeyDecodedAtStart() throws Exception {
        ServerTls tls = ServerTls.selfSigned(dir, "localhost");
        var keys = tls.keyManager();
        String first = keys.chooseEngineServerAlias("EC", null, tls.newServerEngine());
        String second = keys.chooseEngineServerAlias("EC", null, tls.newServerEngine());
        assertSame(keys.getPrivateKey(first), keys.getPrivateKey(second));
        assertEquals(tls.chain(), List.of(keys.getCertificateChain(second)));
        handshakeWith(tls);
    }

    @Test
    void readsEveryCertificateOfAChain() throws Exception {
        KeyPair leaf = keyPair("EC");
        X509Certificate leafCert = certificateFor(leaf, "SHA256withECDSA");
        X509Certificate other = certificateFor(keyPair("EC"), "SHA256withECDSA");
        Path cert = dir.resolve("chain.pem");
        Files.writeString(cert, PemFiles.encode(leafCert) + PemFiles.encode(other));
        Path key = writePem("key.pem", new JcaPKCS8Generator(leaf.getPrivate(), null).generate());
        assertEquals(List.of(leafCert, other), ServerTls.fromPem(cert, key).chain());
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateIsNamedInTheError() throws Exception {
        Path cert = writePem("cert.pem", certificateFor(keyPair("EC"), "SHA256withECDSA"));
        Path key = writePem("key.pem", new JcaPKCS8Generator(keyPair("EC").getPrivate(), null).generate());
        IOException e = assertThrows(IOException.class, () -> ServerTls.fromPem(cert, key));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
        assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
    }

    @Test
    void aFileWithoutAKeySaysWhatWasExpected() throws Exception {
        Path cert = writePem("cert.pem", certificateFor(keyPair("EC"), "SHA256withECDSA"));
        IOException e = assertThrows(IOException.class, () -> ServerTls.fromPem(cert, cert));
        assertTrue(e.getMessage().startsWith("no private key in " + cert), e.getMessage());
    }

    @Test
    void selfSignedIsGeneratedOnceThenReloaded() throws Exception {
        Path tlsDir = dir.resolve("tls");
        ServerTls generated = ServerTls.selfSigned(tlsDir, "localhost");
        X509Certificate cert = generated.certificate();

        assertEquals("EC", cert.getPublicKey().getAlgorithm());
        assertEquals("SHA256withECDSA", cert.getSigAlgName());
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        assertTrue(names.contains(List.of(2, "localhost")), names.toString());
        assertTrue(names.contains(List.of(7, "127.0.0.1")), names.toString());
        long days = Duration.between(Instant.now(), cert.getNotAfter().toInstant()).toDays();
        assertTrue(days >= 720 && days <= 731, "valid for " + days + " more days");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tlsDir.resolve("key.pem"))));

        ServerTls reloaded = ServerTls.selfSigned(tlsDir, "localhost");
        assertEquals(cert, reloaded.certificate());
        handshakeWith(reloaded);
    }

    @Test
    void selfSignedForAnotherHostNamesOnlyThatHost() throws Exception {
        X509Certificate cert = ServerTls.selfSigned(dir, "mail.example.org").certificate();
        assertEquals(List.of(List.of(2, "mail.example.org")), List.copyOf(cert.getSubjectAlternativeNames()));
    }

    @Test
    void aLoneCertificateWithoutItsKeyIsReportedNotOverwritten() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Files.writeString(cert, "operator's file");
        IOException e = assertThrows(IOException.class, () -> ServerTls.selfSigned(dir, "localhost"));
        assertTrue(e.getMessage().contains("without"), e.getMessage());
        assertEquals("operator's file", Files.readString(cert));
    }

    private static void handshakeWith(ServerTls tls) throws Exception {
        try (NetServer server = new NetServer(NetLimits.defaults(), tls)) {
            EchoHandler handler = new EchoHandler();
            server.listen(new ListenerSpec("tls", "127.0.0.1", 0, true, Duration.ofMinutes(1), handler));
            try (TestClient client = TestClient.connectTls(server.boundPort("tls"), tls.clientContextTrustingThis())) {
                client.expect("READY");
                assertEquals("TLSv1.3", client.tlsProtocol());
            }
        }
    }

    private static KeyPair keyPair(String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("EC")) {
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            generator.initialize(2048);
        }
        return generator.generateKeyPair();
    }

    private static X509Certificate certificateFor(KeyPair pair, String signatureAlgorithm) throws Exception {
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic());
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(signatureAlgorithm).build(pair.getPrivate())));
    }

    private Path writePem(String name, Object object) throws IOException {
        Path file = dir.resolve(name);
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(file))) {
            writer.writeObject(object);
        }
        return file;
    }
}
