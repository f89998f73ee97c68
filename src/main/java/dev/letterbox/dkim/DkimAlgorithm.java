package dev.letterbox.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Locale;

/**
 * The two algorithms we sign and verify with: RSA-SHA256 (RFC 6376) and Ed25519-SHA256 (RFC 8463).
 * rsa-sha1 is deliberately absent (RFC 8301 §3.1).
 */
public enum DkimAlgorithm {
    RSA_SHA256("rsa-sha256", "rsa", "RSA"),
    ED25519_SHA256("ed25519-sha256", "ed25519", "Ed25519");

    /** RFC 8301 §3.2: verifiers must not accept smaller RSA keys. */
    static final int MIN_RSA_BITS = 1024;
    /** Larger keys only cost CPU; RFC 8301 asks verifiers to handle up to 4096 bits. */
    static final int MAX_RSA_BITS = 8192;
    /** The DER SubjectPublicKeyInfo prefix of a bare 32-byte Ed25519 key (RFC 8410). */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    /** The a= tag value. */
    public final String tag;
    /** The k= tag of the DNS record. */
    public final String keyType;
    /** The JCA key algorithm name. */
    final String jcaKey;

    DkimAlgorithm(String tag, String keyType, String jcaKey) {
        this.tag = tag;
        this.keyType = keyType;
        this.jcaKey = jcaKey;
    }

    /** "rsa" or "ed25519" (any case), as operators name them. */
    public static DkimAlgorithm parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "rsa", "rsa-sha256" -> RSA_SHA256;
            case "ed25519", "ed25519-sha256" -> ED25519_SHA256;
            default -> throw new IllegalArgumentException("unknown DKIM algorithm '" + name + "' (rsa or ed25519)");
        };
    }

    /** The algorithm an a= value names, or null for any other (rsa-sha1 included). */
    public static DkimAlgorithm fromTag(String a) {
        for (DkimAlgorithm alg : values()) if (alg.tag.equalsIgnoreCase(a)) return alg;
        return null;
    }

    /** Signs the header hash input (RFC 6376 §3.7; Ed25519 signs its SHA-256, RFC 8463 §3). */
    byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature s = signature();
            s.initSign(key);
            s.update(input(data));
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DKIM signing failed with a " + tag + " key", e);
        }
    }

    /** True when {@code sig} is this algorithm's signature of {@code data} under {@code key}. */
    public boolean verify(PublicKey key, byte[] data, byte[] sig) {
        try {
            Signature s = signature();
            s.initVerify(key);
            s.update(input(data));
            return s.verify(sig);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // a signature of the wrong size or shape simply does not verify
        }
    }

    private Signature signature() throws GeneralSecurityException {
        return Signature.getInstance(this == RSA_SHA256 ? "SHA256withRSA" : "Ed25519");
    }

    private byte[] input(byte[] data) throws GeneralSecurityException {
        return this == RSA_SHA256 ? data : MessageDigest.getInstance("SHA-256").digest(data);
    }

    /**
     * The public key in a key record's p= data: for RSA a DER SubjectPublicKeyInfo (what everybody
     * publishes) or a bare PKCS#1 RSAPublicKey (what RFC 6376 §3.6.1 literally says); for Ed25519
     * the bare 32-byte key (RFC 8463 §4.2). Checks the RSA size limits of RFC 8301.
     */
    PublicKey decodePublicKey(byte[] p) throws DkimException {
        PublicKey key;
        try {
            if (this == ED25519_SHA256) {
                if (p.length != 32) throw DkimException.permerror("an Ed25519 key is 32 bytes, not " + p.length);
                byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
                System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
                System.arraycopy(p, 0, spki, ED25519_SPKI_PREFIX.length, 32);
                return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            }
            key = rsaKey(p);
        } catch (GeneralSecurityException | IllegalArgumentException | IllegalStateException e) {
            throw DkimException.permerror("the key record's p= is not a usable " + keyType + " key");
        }
        int bits = ((RSAPublicKey) key).getModulus().bitLength();
        if (bits < MIN_RSA_BITS) throw DkimException.policy("RSA key of " + bits + " bits; at least " + MIN_RSA_BITS + " are required (RFC 8301)");
        if (bits > MAX_RSA_BITS) throw DkimException.policy("RSA key of " + bits + " bits; we accept at most " + MAX_RSA_BITS);
        return key;
    }

    private static PublicKey rsaKey(byte[] p) throws GeneralSecurityException {
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        try {
            return rsa.generatePublic(new X509EncodedKeySpec(p));
        } catch (GeneralSecurityException notSpki) {
            org.bouncycastle.asn1.pkcs.RSAPublicKey pkcs1 = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(p);
            return rsa.generatePublic(new RSAPublicKeySpec(pkcs1.getModulus(), pkcs1.getPublicExponent()));
        }
    }
}
