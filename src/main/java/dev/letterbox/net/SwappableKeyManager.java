package dev.letterbox.net;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
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
    private volatile X509ExtendedKeyManager delegate;

    SwappableKeyManager(X509ExtendedKeyManager delegate) {
        this.delegate = delegate;
    }

    void swap(X509ExtendedKeyManager next) {
        delegate = next;
    }

    X509ExtendedKeyManager current() {
        return delegate;
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

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate.getPrivateKey(alias);
    }
}
