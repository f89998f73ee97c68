package dev.letterbox.dkim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body hashes one message needs, computed in a single pass while the body streams in: every
 * signature (DKIM or ARC) asks for its (canonicalisation, l=) pair before the body starts, and each
 * distinct pair is hashed once however many signatures share it. SHA-256 is the only body hash we
 * compute: rsa-sha1 is not accepted (RFC 8301), so the hash algorithm is not part of the key.
 *
 * <p>Bounded: at most {@link #MAX_HASHES} distinct hashes per message, whatever the signatures ask
 * for, so a message with many l= values cannot multiply the work. Not thread-safe: one message, one
 * thread (the delivery pipeline's).
 */
public final class BodyHashes {
    public static final int MAX_HASHES = 8;

    private record Key(Canonicalization canonicalization, long limit) {}

    private final Map<Key, BodyHash> hashes = new LinkedHashMap<>();
    private boolean started;

    /**
     * The hash for {@code canonicalization} over the first {@code limit} canonical octets
     * ({@code -1}: the whole body); null when the message already needs {@link #MAX_HASHES} others.
     * Must be asked before the first {@link #update}.
     */
    public BodyHash request(Canonicalization canonicalization, long limit) {
        if (started) throw new IllegalStateException("body hashes must be requested before the body streams");
        Key key = new Key(canonicalization, limit < 0 ? -1 : limit);
        BodyHash existing = hashes.get(key);
        if (existing != null || hashes.size() >= MAX_HASHES) return existing;
        BodyHash hash = new BodyHash(canonicalization, key.limit());
        hashes.put(key, hash);
        return hash;
    }

    /** The next bytes of the body (everything after the empty line that ends the header). */
    public void update(byte[] b, int off, int len) {
        started = true;
        for (BodyHash hash : hashes.values()) hash.update(b, off, len);
    }

    public void update(byte[] b) {
        update(b, 0, b.length);
    }

    /** How many distinct hashes the body goes through (for tests and metrics). */
    public int distinct() {
        return hashes.size();
    }
}
