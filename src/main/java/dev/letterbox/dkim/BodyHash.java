package dev.letterbox.dkim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One canonicalised body hash (RFC 6376 §3.4.3, §3.4.4, §3.7) computed while the body streams
 * past: SHA-256 of the first {@code limit} canonical octets (all of them when there is no l=).
 * Line ends and whitespace are held back as counters until something follows them, so nothing is
 * buffered beyond a small output block; bare LF counts as a line end, a CR not before LF is content.
 * Relaxed follows erratum 1384: whitespace is reduced first, then empty lines at the end dropped.
 *
 * <p>Lifecycle: {@link BodyHashes} feeds it; the first call of {@link #digest()} ends the body.
 */
public final class BodyHash {
    private static final int BLOCK = 4096;

    private final Canonicalization canonicalization;
    private final long limit; // -1: the whole body
    private final MessageDigest sha256;
    private final byte[] block = new byte[BLOCK];
    private int blockUsed;
    private long length; // canonical octets so far, counted past the limit too

    private long pendingLineEnds; // line ends not yet written: they may turn out to be trailing
    private boolean pendingSpace; // relaxed: whitespace inside the line, written only if content follows
    private boolean lastWasCr;
    private boolean anyContent;
    private byte[] digest;

    BodyHash(Canonicalization canonicalization, long limit) {
        this.canonicalization = canonicalization;
        this.limit = limit;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A hasher for a whole body, as the signers use it. */
    static BodyHash of(Canonicalization canonicalization) {
        return new BodyHash(canonicalization, -1);
    }

    void update(byte[] b, int off, int len) {
        if (digest != null) throw new IllegalStateException("body already hashed");
        boolean relaxed = canonicalization == Canonicalization.RELAXED;
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == '\n') {
                pendingSpace = false; // trailing whitespace of a line is not part of the relaxed form
                pendingLineEnds++;
                lastWasCr = false;
                continue;
            }
            if (lastWasCr) content((byte) '\r'); // a CR not followed by LF is content
            lastWasCr = c == '\r';
            if (lastWasCr) continue;
            if (relaxed && (c == ' ' || c == '\t')) {
                pendingSpace = true;
                continue;
            }
            content(c);
        }
    }

    private void content(byte c) {
        for (; pendingLineEnds > 0; pendingLineEnds--) {
            emit((byte) '\r');
            emit((byte) '\n');
        }
        if (pendingSpace) emit((byte) ' ');
        pendingSpace = false;
        emit(c);
        anyContent = true;
    }

    private void emit(byte c) {
        if (limit < 0 || length < limit) {
            block[blockUsed++] = c;
            if (blockUsed == BLOCK) flush();
        }
        length++;
    }

    private void flush() {
        sha256.update(block, 0, blockUsed);
        blockUsed = 0;
    }

    /**
     * The hash. Empty lines at the end count for nothing; the last line gets its CRLF even when
     * the body lacks it; an empty body is nothing under relaxed and one CRLF under simple.
     */
    public byte[] digest() {
        if (digest == null) {
            if (lastWasCr) content((byte) '\r');
            lastWasCr = false;
            if (anyContent || canonicalization == Canonicalization.SIMPLE) {
                emit((byte) '\r');
                emit((byte) '\n');
            }
            flush();
            digest = sha256.digest();
        }
        return digest.clone();
    }

    /** The length of the canonical body, all of it (not only the part l= covers); valid after {@link #digest()}. */
    public long canonicalLength() {
        if (digest == null) throw new IllegalStateException("body not hashed yet");
        return length;
    }
}
