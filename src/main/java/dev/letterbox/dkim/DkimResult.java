package dev.letterbox.dkim;

import java.util.Locale;

/**
 * The outcome of one DKIM-Signature field, with what Authentication-Results reports about it
 * (RFC 8601 §2.7.1, RFC 6008). Text fields are empty when the signature did not say (or was too
 * broken to read).
 *
 * @param domain the d= domain (header.d)
 * @param identity the i= identity, "@" + d= when the signature has none (header.i)
 * @param selector the s= selector (header.s)
 * @param algorithm the a= algorithm as written (header.a)
 * @param signaturePrefix the start of b=, long enough to tell this message's signatures apart and
 *     at least 8 characters (header.b)
 * @param reason for people: why the result is what it is
 * @param testing the key record has t=y: the signer is testing DKIM, and a failure was downgraded to neutral
 */
public record DkimResult(Status status, String domain, String identity, String selector, String algorithm,
        String signaturePrefix, String reason, boolean testing) {

    /**
     * The result words of RFC 8601 §2.7.1 for the dkim method, and when we use them:
     * <ul>
     * <li>{@code pass}: the signature verified and covers the whole body.
     * <li>{@code fail}: it did not verify (body hash, signature) or the key was revoked (empty p=).
     * <li>{@code policy}: it may verify, but we do not accept it: rsa-sha1 or an RSA key under 1024
     *     bits (RFC 8301), an l= that leaves part of the body unsigned, a key over 8192 bits.
     * <li>{@code neutral}: the field is malformed (tag syntax, required tag missing, bad value, h=
     *     without From, i= outside d=), or it failed under a key in testing mode (t=y).
     * <li>{@code temperror}: the key could not be fetched now (DNS failure, or not by the deadline).
     * <li>{@code permerror}: no usable key (no record, malformed record, wrong key type, hash or
     *     service), or the signature expired (x=) or is dated in the future (t=).
     * </ul>
     * {@code none} (no signature) is the result of a message, never of a signature.
     */
    public enum Status {
        NONE, PASS, FAIL, POLICY, NEUTRAL, TEMPERROR, PERMERROR;

        /** The word in Authentication-Results: "pass", "temperror", ... */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
