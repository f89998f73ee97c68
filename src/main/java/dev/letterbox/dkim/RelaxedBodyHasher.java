package dev.letterbox.dkim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Streams a message body through the "relaxed" body canonicalisation of RFC 6376 §3.4.4 (as
 * corrected by erratum 1384: first reduce whitespace, then drop empty lines at the end) into SHA-256.
 * Whitespace and empty lines are held back until something follows them, so nothing is buffered
 * beyond a counter.
 */
final class RelaxedBodyHasher {
    private final MessageDigest sha256;
    private boolean pendingSpace; // whitespace seen inside the current line, not yet written
    private boolean lineHasContent;
    private long pendingEmptyLines; // CRLFs of empty lines not yet written (they may be trailing)
    private boolean lastWasCr;
    private boolean anyContent;

    RelaxedBodyHasher() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void update(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) update(b[i]);
    }

    private void update(byte b) {
        if (b == '\n') {
            endLine();
            lastWasCr = false;
            return;
        }
        if (lastWasCr) { // a CR not followed by LF is content
            content((byte) '\r');
        }
        lastWasCr = b == '\r';
        if (lastWasCr) return;
        if (b == ' ' || b == '\t') { // a run becomes one space, written only if content follows
            pendingSpace = true;
            return;
        }
        content(b);
    }

    private void content(byte b) {
        flushEmptyLines();
        if (pendingSpace) sha256.update((byte) ' ');
        pendingSpace = false;
        sha256.update(b);
        lineHasContent = true;
        anyContent = true;
    }

    private void endLine() {
        pendingSpace = false; // trailing whitespace is ignored
        if (lineHasContent) {
            sha256.update((byte) '\r');
            sha256.update((byte) '\n');
        } else {
            pendingEmptyLines++;
        }
        lineHasContent = false;
    }

    private void flushEmptyLines() {
        for (; pendingEmptyLines > 0; pendingEmptyLines--) {
            sha256.update((byte) '\r');
            sha256.update((byte) '\n');
        }
    }

    /** The body hash; a non-empty body not ending in a line break gets one (RFC 6376 §3.4.4). */
    byte[] digest() {
        if (lastWasCr) content((byte) '\r');
        if (lineHasContent) {
            sha256.update((byte) '\r');
            sha256.update((byte) '\n');
        }
        return sha256.digest();
    }

    boolean sawContent() {
        return anyContent;
    }
}
