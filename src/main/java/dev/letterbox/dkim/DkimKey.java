package dev.letterbox.dkim;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;

/** One signing key of a domain, published at {@code SELECTOR._domainkey.DOMAIN}. */
public record DkimKey(String domain, String selector, DkimAlgorithm algorithm, PrivateKey privateKey, PublicKey publicKey) {

    /** The DNS name of the key record. */
    public String recordName() {
        return selector + "._domainkey." + domain;
    }

    /** The TXT record value: {@code v=DKIM1; k=rsa; p=...}. */
    public String recordValue() {
        return "v=DKIM1; k=" + algorithm.keyType + "; p=" + Base64.getEncoder().encodeToString(publicKeyBytes());
    }

    /**
     * The p= data: for RSA the DER SubjectPublicKeyInfo (RFC 6376 §3.6.1); for Ed25519 the bare
     * 32-byte public key (RFC 8463 §4.2), i.e. the SubjectPublicKeyInfo without its 12-byte prefix.
     */
    byte[] publicKeyBytes() {
        byte[] spki = publicKey.getEncoded();
        if (algorithm == DkimAlgorithm.ED25519_SHA256) return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        return spki;
    }

    @Override
    public String toString() {
        return "DkimKey[" + recordName() + " " + algorithm.tag + "]"; // never the key material
    }
}
