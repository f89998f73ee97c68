/**
 * DKIM signing of outgoing mail (RFC 6376, RFC 8463): per-domain keys (RSA-SHA256 2048 and
 * Ed25519-SHA256), relaxed/relaxed canonicalisation, and the DNS TXT records to publish.
 *
 * <p>Invariants: signing never changes the message; it only produces header fields to prepend.
 * Private keys live in {@code DATA/dkim/DOMAIN/SELECTOR.pem} with mode 0600 and are never logged.
 * The body is hashed while streaming, so a large message is never held in memory.
 */
package dev.letterbox.dkim;
