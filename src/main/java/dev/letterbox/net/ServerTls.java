package dev.letterbox.net;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's certificate and TLS settings: TLS 1.3 preferred, 1.2 the minimum; of the JDK's
 * default cipher suites only those with forward secrecy and authenticated encryption (ECDHE/DHE
 * with AES-GCM or ChaCha20-Poly1305, and the TLS 1.3 suites), in the server's order of preference.
 * One instance serves every listener; its certificate can be replaced while they run ({@link #replace}). Loading this class sets the JVM-wide property
 * {@code jdk.tls.rejectClientInitiatedRenegotiation=true} unless it is already set.
 */
public final class ServerTls {
    private static final System.Logger LOG = System.getLogger("letterbox.net");
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    static {
        // A client-initiated TLS 1.2 renegotiation costs server CPU and would stall our writer, which
        // cannot read; refuse it. The JDK reads this once, before the first server handshake.
        if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
            System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        }
    }

    private final SSLContext context;
    private final SSLContext httpsContext;
    private final SwappableKeyManager keyManager;
    private volatile List<X509Certificate> chain;
    private final SSLParameters serverParameters;

    private ServerTls(List<X509Certificate> chain, PrivateKey key) throws IOException {
        this.chain = List.copyOf(chain);
        try {
            keyManager = new SwappableKeyManager(keyManagerFor(chain, key));
            context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keyManager}, null, new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS with this key and certificate: " + SocketConnection.describe(e), e);
        }
        httpsContext = new AlpnChallengeContext(context);
        serverParameters = context.getDefaultSSLParameters();
        serverParameters.setProtocols(PROTOCOLS);
        serverParameters.setCipherSuites(strongSuites(serverParameters.getCipherSuites()));
        serverParameters.setUseCipherSuitesOrder(true);
    }

    private static X509ExtendedKeyManager keyManagerFor(List<X509Certificate> chain, PrivateKey key) throws GeneralSecurityException,
            IOException {
        char[] password = "in-memory".toCharArray(); // the store never leaves this object
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, password, chain.toArray(X509Certificate[]::new));
        // SunX509 decodes the key once, here. The PKIX key manager names the key anew for every
        // handshake and so decrypts it from the PKCS#12 store every time: 10,000 PBKDF2 rounds,
        // ~5 ms of CPU here once warm, more than the rest of the server's side of a handshake.
        KeyManagerFactory keys = KeyManagerFactory.getInstance("SunX509");
        keys.init(store, password);
        return (X509ExtendedKeyManager) keys.getKeyManagers()[0];
    }

    /**
     * Serves {@code chain} and {@code key} from the next handshake on, on every listener; connections
     * already up keep what they have. Refuses a key that does not belong to the chain's first certificate.
     */
    public void replace(List<X509Certificate> newChain, PrivateKey key) throws IOException {
        if (newChain.isEmpty() || !keyMatches(key, newChain.getFirst())) {
            throw new IOException("the new private key does not belong to the new certificate");
        }
        try {
            keyManager.swap(keyManagerFor(newChain, key));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the new key and certificate: " + SocketConnection.describe(e), e);
        }
        chain = List.copyOf(newChain);
    }

    /**
     * The context for the HTTPS listener: this one, plus TLS-ALPN-01 answers (RFC 8737) for the names
     * {@link #answerTlsAlpnChallenge} opened.
     */
    public SSLContext httpsContext() {
        return httpsContext;
    }

    /** Until {@link #withdrawTlsAlpnChallenge}, an {@code acme-tls/1} handshake for {@code name} gets this certificate. */
    public void answerTlsAlpnChallenge(String name, X509Certificate certificate, PrivateKey key) {
        keyManager.putChallenge(name, new SwappableKeyManager.ChallengeCertificate(certificate, key));
    }

    public void withdrawTlsAlpnChallenge(String name) {
        keyManager.removeChallenge(name);
    }

    /** {@link #replace} from PEM files, as {@link #fromPem} reads them (a SIGHUP after the files changed). */
    public void reload(Path certificateChain, Path privateKey) throws IOException {
        replace(PemFiles.readCertificates(certificateChain), PemFiles.readPrivateKey(privateKey));
    }

    /** Uses an already loaded key and chain (leaf first). */
    public static ServerTls of(List<X509Certificate> chain, PrivateKey key) throws IOException {
        if (chain.isEmpty()) {
            throw new IOException("certificate chain is empty");
        }
        return new ServerTls(chain, key);
    }

    /** Loads a PEM certificate chain and its PEM private key (RSA or EC; PKCS#8 or traditional). */
    public static ServerTls fromPem(Path certificateChain, Path privateKey) throws IOException {
        List<X509Certificate> chain = PemFiles.readCertificates(certificateChain);
        PrivateKey key = PemFiles.readPrivateKey(privateKey);
        if (!keyMatches(key, chain.getFirst())) {
            throw new IOException("private key " + privateKey + " does not belong to the first certificate in "
                    + certificateChain + " — check [tls] certificate and private_key in the config");
        }
        X509Certificate leaf = chain.getFirst();
        if (leaf.getNotAfter().before(new Date())) {
            LOG.log(Level.WARNING, "TLS certificate " + certificateChain + " expired on " + leaf.getNotAfter().toInstant()
                    + "; clients will refuse it — renew it");
        }
        return new ServerTls(chain, key);
    }

    /**
     * Uses {@code dir/cert.pem} and {@code dir/key.pem}, generating a self-signed ECDSA P-256
     * certificate for {@code hostname} there on first use (and logging that clients will warn).
     */
    public static ServerTls selfSigned(Path dir, String hostname) throws IOException {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        boolean haveCert = Files.exists(cert);
        boolean haveKey = Files.exists(key);
        if (haveCert != haveKey) {
            throw new IOException("found " + (haveCert ? cert : key) + " without " + (haveCert ? key : cert)
                    + "; delete it to generate a new self-signed certificate, or restore the missing file");
        }
        String advice = "mail clients will warn about this self-signed certificate; for a real one set "
                + "[tls] certificate and private_key in the config";
        if (haveCert) {
            ServerTls tls = fromPem(cert, key);
            LOG.log(Level.WARNING, "using the self-signed certificate in " + dir + ": " + advice);
            return tls;
        }
        Files.createDirectories(dir);
        SelfSignedCertificate.Generated generated = SelfSignedCertificate.generate(hostname);
        // key first: a crash in between leaves a lone key.pem, which the check above reports
        PemFiles.writeAtomically(key, PemFiles.encodePkcs8(generated.keyPair().getPrivate()), true);
        PemFiles.writeAtomically(cert, PemFiles.encode(generated.certificate()), false);
        LOG.log(Level.WARNING, "generated a self-signed certificate for " + hostname + " in " + dir + ": " + advice);
        return new ServerTls(List.of(generated.certificate()), generated.keyPair().getPrivate());
    }

    public SSLContext sslContext() {
        return context;
    }

    /** A server-mode engine with this configuration's protocols and cipher suites. */
    public SSLEngine newServerEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(serverParameters);
        return engine;
    }

    /**
     * A copy of the server-side parameters (protocols, cipher suites and their order) for TLS
     * stacks that make their own engines, such as the JDK's HTTPS server.
     */
    public SSLParameters serverParameters() {
        SSLParameters copy = new SSLParameters(serverParameters.getCipherSuites(), serverParameters.getProtocols());
        copy.setUseCipherSuitesOrder(serverParameters.getUseCipherSuitesOrder());
        return copy;
    }

    /** What the handshakes take the key and chain from now (for tests). */
    X509ExtendedKeyManager keyManager() {
        return keyManager.current();
    }

    /** The leaf certificate. */
    public X509Certificate certificate() {
        return chain.getFirst();
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    /** A client-side context that trusts exactly this certificate (tests, talking to ourselves). */
    public SSLContext clientContextTrustingThis() {
        return clientContextTrusting(certificate());
    }

    /** A client-side context that trusts exactly the given certificates and nothing else. */
    public static SSLContext clientContextTrusting(X509Certificate... trusted) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < trusted.length; i++) {
                store.setCertificateEntry("trusted-" + i, trusted[i]);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, trust.getTrustManagers(), new SecureRandom());
            return client;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a client TLS context: " + e.getMessage(), e);
        }
    }

    private static String[] strongSuites(String[] defaults) {
        return Arrays.stream(defaults).filter(ServerTls::isStrong).toArray(String[]::new);
    }

    private static boolean isStrong(String suite) {
        if (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")) {
            return true; // TLS 1.3: all AEAD with ephemeral key exchange
        }
        if (suite.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")) {
            return true; // a signal, not a cipher (secure renegotiation, RFC 5746)
        }
        boolean forwardSecret = suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_");
        boolean aead = suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_");
        return forwardSecret && aead;
    }

    /** Signs a sample with the key and verifies it with the certificate: works for RSA, EC and EdDSA. */
    private static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true; // unusual key type: let the handshake judge it
        }
        try {
            byte[] sample = "letterbox key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(sample);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(sample);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
