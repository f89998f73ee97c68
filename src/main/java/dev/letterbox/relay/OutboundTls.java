package dev.letterbox.relay;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The two TLS client contexts of the relay. {@link #opportunistic()}: any certificate is accepted
 * (RFC 7435: encryption against passive listeners is better than plaintext; most MX certificates
 * would not verify anyway). {@link #verifying()}: the system's trusted CAs plus the operator's
 * {@code trusted_certificates}; the host name is checked by the caller. Used for domains that
 * require TLS and for the smarthost, which gets our password.
 */
public final class OutboundTls {
    private final SSLContext opportunistic;
    private final SSLContext verifying;

    private OutboundTls(SSLContext opportunistic, SSLContext verifying) {
        this.opportunistic = opportunistic;
        this.verifying = verifying;
    }

    /** {@code trustedCertificates}: a PEM file of extra certificates (CAs or servers) to trust. */
    public static OutboundTls load(Optional<Path> trustedCertificates) throws IOException {
        try {
            SSLContext any = SSLContext.getInstance("TLS");
            any.init(null, new TrustManager[] {new AcceptAny()}, new SecureRandom());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int n = 0;
            for (X509Certificate ca : systemCas()) store.setCertificateEntry("system-" + n++, ca);
            if (trustedCertificates.isPresent()) {
                for (Certificate c : readPem(trustedCertificates.get())) store.setCertificateEntry("extra-" + n++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext verifying = SSLContext.getInstance("TLS");
            verifying.init(null, tmf.getTrustManagers(), new SecureRandom());
            return new OutboundTls(any, verifying);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up outbound TLS: " + e.getMessage(), e);
        }
    }

    public SSLContext opportunistic() {
        return opportunistic;
    }

    public SSLContext verifying() {
        return verifying;
    }

    private static List<X509Certificate> systemCas() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        List<X509Certificate> out = new ArrayList<>();
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) out.addAll(List.of(x.getAcceptedIssuers()));
        }
        return out;
    }

    private static List<? extends Certificate> readPem(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            var certs = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (certs.isEmpty()) throw new IOException("delivery.trusted_certificates: no certificate in " + file);
            return certs;
        } catch (IOException e) {
            throw new IOException("delivery.trusted_certificates: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Opportunistic TLS: the chain and the name are not checked (an extended manager, so the JDK adds no name check). */
    private static final class AcceptAny extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
