package dev.letterbox.net;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The HTTPS listener's TLS context: the server's own, with one addition to every engine it makes —
 * a client that offers the ALPN protocol {@code acme-tls/1} (an ACME CA checking a TLS-ALPN-01
 * challenge, RFC 8737) gets it, so that the key manager can answer with the challenge certificate.
 * Every other client negotiates no ALPN protocol, as before (the JDK's HTTP server speaks HTTP/1.1).
 */
final class AlpnChallengeContext extends SSLContext {
    static final String ACME_TLS_1 = "acme-tls/1";

    AlpnChallengeContext(SSLContext delegate) {
        super(new Spi(delegate), delegate.getProvider(), delegate.getProtocol());
    }

    private static SSLEngine withSelector(SSLEngine engine) {
        engine.setHandshakeApplicationProtocolSelector((e, offered) -> offered.contains(ACME_TLS_1) ? ACME_TLS_1 : null);
        return engine;
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;

        Spi(SSLContext delegate) {
            this.delegate = delegate;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) throws KeyManagementException {
            throw new KeyManagementException("already initialised");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return delegate.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return withSelector(delegate.createSSLEngine());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return withSelector(delegate.createSSLEngine(host, port));
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }
    }
}
