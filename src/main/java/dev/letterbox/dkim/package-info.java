/**
 * DKIM (RFC 6376, RFC 8463, RFC 8301): signing of outgoing mail with per-domain keys, and
 * verification of incoming mail while it streams. ARC ({@code dev.letterbox.arc}) builds on the
 * pieces here: tag lists, canonicalisation, body hashes, key records and lookups.
 *
 * <p>Invariants:
 * <ul>
 * <li>Signing and verifying never change the message; they produce header fields or results.
 * <li>One implementation of each canonicalisation ({@link dev.letterbox.dkim.Canonicalization},
 *     {@link dev.letterbox.dkim.BodyHash}) serves signer, verifier and ARC, so they cannot disagree.
 * <li>The body is hashed while streaming and never held or read back; each distinct
 *     (canonicalisation, l=) is hashed once per message, at most {@link dev.letterbox.dkim.BodyHashes#MAX_HASHES}.
 * <li>Bad input yields a result word, never an exception: every field, tag list, key record and
 *     count is bounded; only the first N signatures of a message cost DNS or CPU.
 * <li>Key lookups start when the header is known and are awaited no later than the caller's
 *     deadline; a slow DNS gives temperror, never a blocked session.
 * <li>Private keys live in {@code DATA/dkim/DOMAIN/SELECTOR.pem} with mode 0600 and are never logged.
 * <li>{@code l=} is unsafe: a signature whose l= leaves part of the body unsigned is
 *     {@code policy}, never {@code pass}.
 * </ul>
 */
package dev.letterbox.dkim;
