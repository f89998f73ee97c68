package dev.letterbox.net;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager every listener's TLS context holds: it passes each question to the current key
 * manager, which {@link #swap} replaces at once. A handshake started before a swap may see either
 * certificate whole (alias, chain and key come from one delegate per question, and each delegate
 * names its one entry alike); sessions already up keep theirs. That is how a renewed certificate
 * reaches new connections without a restart and without dropping anyone.
 */
final class SwappableKeyManager extends X509ExtendedKeyManager {
    private static final String CHALLENGE_ALIAS = "acme-tls-alpn-01:";

    private volatile X509ExtendedKeyManager delegate;
    /** RFC 8737 challenge certificates by the name they prove, while an ACME order waits for them. */
    private final Map<String, ChallengeCertificate> challenges = new ConcurrentHashMap<>();

    /** A TLS-ALPN-01 answer: a self-signed certificate for one name, with the acmeIdentifier extension. */
    record ChallengeCertificate(X509Certificate certificate, PrivateKey key) {}

    SwappableKeyManager(X509ExtendedKeyManager delegate) {
        this.delegate = delegate;
    }

    void swap(X509ExtendedKeyManager next) {
        delegate = next;
    }

    X509ExtendedKeyManager current() {
        return delegate;
    }

    void putChallenge(String name, ChallengeCertificate certificate) {
        challenges.put(name.toLowerCase(java.util.Locale.ROOT), certificate);
    }

    void removeChallenge(String name) {
        challenges.remove(name.toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    /**
     * A handshake that negotiated {@code acme-tls/1} for a name with a challenge open gets that
     * challenge's certificate (RFC 8737 §3; the CA asks for nothing else on that connection).
     */
    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        if (engine != null && AlpnChallengeContext.ACME_TLS_1.equals(engine.getHandshakeApplicationProtocol())
                && engine.getHandshakeSession() instanceof ExtendedSSLSession session) {
            for (SNIServerName name : session.getRequestedServerNames()) {
                if (name instanceof SNIHostName host && challenges.containsKey(host.getAsciiName().toLowerCase(java.util.Locale.ROOT))) {
                    return CHALLENGE_ALIAS + host.getAsciiName().toLowerCase(java.util.Locale.ROOT);
                }
            }
            return null; // acme-tls/1 for no open challenge: no certificate, the handshake fails
        }
        return delegate.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        if (alias != null && alias.startsWith(CHALLENGE_ALIAS)) {
            ChallengeCertificate c = challenges.get(alias.substring(CHALLENGE_ALIAS.length()));
            return c == null ? null : new X509Certificate[] {c.certificate()};
        }
        return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        if (alias != null && alias.startsWith(CHALLENGE_ALIAS)) {
            ChallengeCertificate c = challenges.get(alias.substring(CHALLENGE_ALIAS.length()));
            return c == null ? null : c.key();
        }
        return delegate.getPrivateKey(alias);
    }
}
