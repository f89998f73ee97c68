package dev.letterbox.acme;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * One certificate obtained by RFC 8555 §7.4: an order for the names, each authorization proven by
 * the responder's challenge (HTTP-01 or TLS-ALPN-01, answered while the CA looks), a CSR for a new
 * key, and the chain the CA issues. Waits for the CA at most {@link #PATIENCE} per step.
 */
final class CertificateOrder {
    static final Duration PATIENCE = Duration.ofSeconds(90);

    /** The new certificate: chain leaf first, and its key. */
    record Issued(List<X509Certificate> chain, KeyPair key) {}

    private final AcmeClient acme;
    private final AccountKey account;
    private final ChallengeResponder responder;

    CertificateOrder(AcmeClient acme, AccountKey account, ChallengeResponder responder) {
        this.acme = acme;
        this.account = account;
        this.responder = responder;
    }

    Issued obtain(List<String> names, KeyPair certificateKey) throws IOException, AcmeException {
        AcmeClient.Reply order = acme.newOrder(names);
        String orderUrl = order.location();
        Map<String, Object> o = order.json();
        for (Object authz : list(o.get("authorizations"))) prove((String) authz);
        acme.post(string(o, "finalize"), Map.of("csr", AccountKey.b64(csr(names, certificateKey))));
        Map<String, Object> done = waitFor(orderUrl, "order");
        String pem = acme.fetch(string(done, "certificate")).body();
        return new Issued(parseChain(pem), certificateKey);
    }

    /** Answers the authorization's challenge of the responder's type and waits until the CA says valid. */
    private void prove(String authzUrl) throws IOException, AcmeException {
        Map<String, Object> authz = acme.fetch(authzUrl).json();
        if ("valid".equals(authz.get("status"))) return; // proven recently for this account
        Map<String, Object> challenge = null;
        for (Object c : list(authz.get("challenges"))) {
            if (c instanceof Map<?, ?> m && responder.type().equals(m.get("type"))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> found = (Map<String, Object>) m;
                challenge = found;
            }
        }
        String name = authz.get("identifier") instanceof Map<?, ?> id ? String.valueOf(id.get("value")) : authzUrl;
        if (challenge == null) throw new AcmeException(name + ": the CA offers no " + responder.type() + " challenge");
        String token = string(challenge, "token");
        if (!token.matches("[A-Za-z0-9_-]{1,256}")) throw new AcmeException(name + ": malformed challenge token");
        responder.open(name, token, account.keyAuthorization(token));
        try {
            acme.post(string(challenge, "url"), Map.of());
            waitFor(authzUrl, name);
        } finally {
            responder.close(name, token);
        }
    }

    /** Polls {@code url} until its status is valid; invalid (with the CA's reason) or too long fails. */
    private Map<String, Object> waitFor(String url, String what) throws IOException, AcmeException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            Map<String, Object> state = acme.fetch(url).json();
            Object status = state.get("status");
            if ("valid".equals(status)) return state;
            if ("invalid".equals(status)) throw new AcmeException(what + ": the CA refused: " + reason(state));
            if (System.nanoTime() > deadline) throw new AcmeException(what + ": still " + status + " after " + PATIENCE.toSeconds() + " s");
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }

    /** The CA's explanation of a failed authorization: the challenge's error detail, if it gave one. */
    private static String reason(Map<String, Object> state) {
        for (Object c : list(state.get("challenges"))) {
            if (c instanceof Map<?, ?> m && m.get("error") instanceof Map<?, ?> error) return String.valueOf(error.get("detail"));
        }
        return state.get("error") instanceof Map<?, ?> error ? String.valueOf(error.get("detail")) : "no reason given";
    }

    private static byte[] csr(List<String> names, KeyPair key) throws AcmeException {
        try {
            GeneralName[] sans = names.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + names.getFirst()), key.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
        } catch (IOException | OperatorCreationException e) {
            throw new AcmeException("cannot make the certificate request: " + e.getMessage());
        }
    }

    static List<X509Certificate> parseChain(String pem) throws AcmeException {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) throw new AcmeException("the CA sent no certificate");
            return chain;
        } catch (GeneralSecurityException e) {
            throw new AcmeException("the CA's certificate chain does not parse: " + e.getMessage());
        }
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static String string(Map<String, Object> o, String key) throws AcmeException {
        if (o.get(key) instanceof String s) return s;
        throw new AcmeException("the CA's answer lacks \"" + key + "\"");
    }
}
