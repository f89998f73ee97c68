package dev.letterbox.dkim;

import java.util.Locale;

/** The two signing algorithms we offer: RSA-SHA256 (RFC 6376) and Ed25519-SHA256 (RFC 8463). */
public enum DkimAlgorithm {
    RSA_SHA256("rsa-sha256", "rsa", "RSA"),
    ED25519_SHA256("ed25519-sha256", "ed25519", "Ed25519");

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

    /** "rsa" or "ed25519" (any case). */
    public static DkimAlgorithm parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "rsa", "rsa-sha256" -> RSA_SHA256;
            case "ed25519", "ed25519-sha256" -> ED25519_SHA256;
            default -> throw new IllegalArgumentException("unknown DKIM algorithm '" + name + "' (rsa or ed25519)");
        };
    }
}
