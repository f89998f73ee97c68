package dev.letterbox.acme;

import dev.letterbox.net.ServerTls;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TLS-ALPN-01 (RFC 8737): while the CA looks, an {@code acme-tls/1} handshake for the name on the
 * https listener gets a self-signed certificate for that name alone, carrying the critical
 * acmeIdentifier extension with the SHA-256 of the key authorization.
 */
final class TlsAlpnResponder implements ChallengeResponder {
    /** id-pe-acmeIdentifier, RFC 8737 §6.1. */
    private static final ASN1ObjectIdentifier ACME_IDENTIFIER = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.1.31");

    private final ServerTls tls;

    TlsAlpnResponder(ServerTls tls) {
        this.tls = tls;
    }

    @Override
    public String type() {
        return "tls-alpn-01";
    }

    @Override
    public void open(String name, String token, String keyAuthorization) throws AcmeException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair key = generator.generateKeyPair();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyAuthorization.getBytes(StandardCharsets.US_ASCII));
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=" + name);
            var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject, key.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
            builder.addExtension(ACME_IDENTIFIER, true, new DEROctetString(digest));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
            tls.answerTlsAlpnChallenge(name, certificate, key.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new AcmeException(name + ": cannot make the TLS-ALPN-01 certificate: " + e.getMessage());
        }
    }

    @Override
    public void close(String name, String token) {
        tls.withdrawTlsAlpnChallenge(name);
    }
}
