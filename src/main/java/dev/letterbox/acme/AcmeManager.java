package dev.letterbox.acme;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.config.Config;
import dev.letterbox.net.PemFiles;
import dev.letterbox.net.ServerTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;

/**
 * Keeps the server's certificate one an ACME CA issued: at start it serves the last one obtained
 * (DATA/tls/acme/), then a background thread orders a new one when there is none, when the names
 * to cover changed (looked at every 10 minutes), or once {@code renew_after_percent} of its
 * lifetime has passed; a failure is
 * logged and tried again after 1 minute, then 2, 4, … up to 6 hours. Each new certificate goes to
 * every TLS listener at once ({@link ServerTls#replace}): no restart, no session dropped. Keys are
 * ECDSA P-256, a new one for each certificate; the account key is made once and kept.
 */
public final class AcmeManager implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("letterbox.acme");
    private static final Duration FIRST_RETRY = Duration.ofMinutes(1), LAST_RETRY = Duration.ofHours(6);
    /** How often the names to cover are looked at again (a domain added gets its names within this time). */
    private static final Duration LONGEST_SLEEP = Duration.ofMinutes(10);

    private final Config.Acme config;
    private final Path dir;
    private final ServerTls tls;
    private final Supplier<List<String>> names;
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private Thread worker;

    /** {@code names}: what the certificate must cover now (asked anew before every order). */
    public AcmeManager(Config.Acme config, Path dataDir, ServerTls tls, Supplier<List<String>> names) {
        this.config = config;
        this.dir = dataDir.resolve("tls").resolve("acme");
        this.tls = tls;
        this.names = names;
    }

    /** The HTTP-01 key authorization for {@code token}, while a challenge for it is open. */
    public Optional<String> answer(String token) {
        return Optional.ofNullable(answers.get(token));
    }

    /** Serves the certificate obtained before, if any, then keeps it current in the background. */
    public void start() throws IOException {
        Path cert = dir.resolve("cert.pem"), key = dir.resolve("key.pem");
        if (Files.exists(cert) && Files.exists(key)) {
            tls.reload(cert, key);
            LOG.log(INFO, "ACME: serving the certificate obtained before ({0}), valid until {1}", cert,
                    tls.certificate().getNotAfter().toInstant());
        }
        worker = Thread.ofVirtual().name("acme").start(this::run);
    }

    private void run() {
        Duration retry = FIRST_RETRY;
        while (!closed) {
            Instant due = due(names.get());
            if (!Instant.now().isBefore(due)) {
                try {
                    renew();
                    retry = FIRST_RETRY;
                } catch (IOException | AcmeException | GeneralSecurityException | RuntimeException e) {
                    LOG.log(WARNING, "ACME: no certificate from {0}: {1}; trying again in {2}", config.directory(),
                            e.getMessage(), retry);
                    if (!sleep(retry)) return;
                    retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
                    continue;
                }
                continue;
            }
            Duration wait = Duration.between(Instant.now(), due);
            if (!sleep(wait.compareTo(LONGEST_SLEEP) > 0 ? LONGEST_SLEEP : wait)) return;
        }
    }

    /**
     * When the certificate served now must be replaced: now when it is not from this CA's orders (no
     * file yet) or does not cover {@code wanted}, else once the configured share of its lifetime is over.
     */
    Instant due(List<String> wanted) {
        if (!Files.exists(dir.resolve("cert.pem"))) return Instant.EPOCH;
        X509Certificate leaf = tls.certificate();
        if (!covers(leaf, wanted)) return Instant.EPOCH;
        long from = leaf.getNotBefore().getTime(), to = leaf.getNotAfter().getTime();
        return Instant.ofEpochMilli(from + (long) ((to - from) * config.renewAfter()));
    }

    private static boolean covers(X509Certificate leaf, List<String> wanted) {
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            List<String> have = new ArrayList<>();
            if (sans != null) for (List<?> san : sans) if (Integer.valueOf(2).equals(san.get(0))) have.add(String.valueOf(san.get(1)));
            return have.containsAll(wanted);
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
    }

    private void renew() throws IOException, AcmeException, GeneralSecurityException {
        List<String> wanted = names.get();
        Files.createDirectories(dir);
        AccountKey account = new AccountKey(accountKey());
        AcmeClient acme = new AcmeClient(config.directory(), directoryTls(), account);
        acme.register(config.contact().map(List::of).orElse(List.of()));
        CertificateOrder.Issued issued = new CertificateOrder(acme, account, responder()).obtain(wanted, newKey());
        // key first: a crash in between leaves the old pair's cert with a new key, which start() refuses loudly
        PemFiles.writeAtomically(dir.resolve("key.pem"), PemFiles.encodePkcs8(issued.key().getPrivate()), true);
        StringBuilder chain = new StringBuilder();
        for (X509Certificate c : issued.chain()) chain.append(PemFiles.encode(c));
        PemFiles.writeAtomically(dir.resolve("cert.pem"), chain.toString(), false);
        tls.replace(issued.chain(), issued.key().getPrivate());
        X509Certificate leaf = issued.chain().getFirst();
        LOG.log(INFO, "ACME: new certificate for {0} from {1}, valid until {2}; renewal due {3}", String.join(", ", wanted),
                leaf.getIssuerX500Principal().getName(), leaf.getNotAfter().toInstant(), due(wanted));
    }

    /** The configured challenge: HTTP-01 on the http listener, or TLS-ALPN-01 on the https one. */
    private ChallengeResponder responder() {
        if (config.challenge().equals("tls-alpn-01")) return new TlsAlpnResponder(tls);
        return new ChallengeResponder() {
            @Override
            public String type() {
                return "http-01";
            }

            @Override
            public void open(String name, String token, String keyAuthorization) {
                answers.put(token, keyAuthorization);
            }

            @Override
            public void close(String name, String token) {
                answers.remove(token);
            }
        };
    }

    private KeyPair accountKey() throws IOException, GeneralSecurityException {
        Path file = dir.resolve("account.pem");
        if (Files.exists(file)) {
            PrivateKey key = PemFiles.readPrivateKey(file);
            return new KeyPair(publicOf(key), key);
        }
        KeyPair pair = newKey();
        PemFiles.writeAtomically(file, PemFiles.encodePkcs8(pair.getPrivate()), true);
        return pair;
    }

    /** The public key of the account's EC private key: Q = d·G (the file keeps only the private key). */
    private static PublicKey publicOf(PrivateKey key) throws GeneralSecurityException {
        ECPrivateKey ec = (ECPrivateKey) key;
        ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec("secp256r1");
        org.bouncycastle.math.ec.ECPoint q = curve.getG().multiply(ec.getS()).normalize();
        ECPoint point = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, ec.getParams()));
    }

    private static KeyPair newKey() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private SSLContext directoryTls() throws IOException, GeneralSecurityException {
        if (config.directoryCa().isEmpty()) return SSLContext.getDefault();
        return ServerTls.clientContextTrusting(PemFiles.readCertificates(config.directoryCa().get()).toArray(X509Certificate[]::new));
    }

    private boolean sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (worker != null) worker.interrupt();
    }
}
