package dev.letterbox.net;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/** The server's certificate and TLS settings (TLS 1.2 minimum, 1.3 preferred). */
public final class ServerTls {
    private ServerTls() {}

    /** Loads a PEM certificate chain and its PEM private key (RSA or EC; PKCS#8 or traditional). */
    public static ServerTls fromPem(Path certificateChain, Path privateKey) throws IOException {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Uses {@code dir/cert.pem} and {@code dir/key.pem}, generating a self-signed ECDSA P-256
     * certificate for {@code hostname} there on first use (and logging that clients will warn).
     */
    public static ServerTls selfSigned(Path dir, String hostname) throws IOException {
        throw new UnsupportedOperationException("not built yet");
    }

    public SSLContext sslContext() {
        throw new UnsupportedOperationException("not built yet");
    }

    public SSLEngine newServerEngine() {
        throw new UnsupportedOperationException("not built yet");
    }

    public X509Certificate certificate() {
        throw new UnsupportedOperationException("not built yet");
    }

    /** A client-side context that trusts exactly this certificate (tests, talking to ourselves). */
    public SSLContext clientContextTrustingThis() {
        throw new UnsupportedOperationException("not built yet");
    }
}
