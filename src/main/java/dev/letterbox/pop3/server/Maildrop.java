package dev.letterbox.pop3.server;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.MessageMeta;
import java.util.List;

/**
 * The INBOX snapshot a POP3 session works on: message n (1-based) is index n-1. Marks for DELE and
 * for "retrieved" (to set \Seen at QUIT) live here until the UPDATE state applies them.
 */
final class Maildrop {
    final long mailboxId;
    final long uidValidity;
    private final long[] uids;
    private final long[] sizes;
    private final BlobId[] blobs;
    private final boolean[] deleted;
    private final boolean[] retrieved;

    Maildrop(long mailboxId, long uidValidity, List<MessageMeta> messages) {
        this.mailboxId = mailboxId;
        this.uidValidity = uidValidity;
        int n = messages.size();
        uids = new long[n];
        sizes = new long[n];
        blobs = new BlobId[n];
        deleted = new boolean[n];
        retrieved = new boolean[n];
        for (int i = 0; i < n; i++) {
            MessageMeta m = messages.get(i);
            uids[i] = m.uid();
            sizes[i] = m.size();
            blobs[i] = m.blob();
        }
    }

    int count() {
        return uids.length;
    }

    /** True when {@code n} names a message that exists and is not marked deleted. */
    boolean isLive(int n) {
        return n >= 1 && n <= uids.length && !deleted[n - 1];
    }

    long size(int n) {
        return sizes[n - 1];
    }

    BlobId blob(int n) {
        return blobs[n - 1];
    }

    /** RFC 1939 §7 unique-id: printable, stable for the message's life in INBOX. */
    String uniqueId(int n) {
        return String.format("%08x%08x", uidValidity, uids[n - 1]);
    }

    void markDeleted(int n) {
        deleted[n - 1] = true;
    }

    void markRetrieved(int n) {
        retrieved[n - 1] = true;
    }

    void resetMarks() {
        java.util.Arrays.fill(deleted, false);
    }

    int liveCount() {
        int c = 0;
        for (boolean d : deleted) if (!d) c++;
        return c;
    }

    long liveSize() {
        long s = 0;
        for (int i = 0; i < sizes.length; i++) if (!deleted[i]) s += sizes[i];
        return s;
    }

    long[] deletedUids() {
        return select(deleted, true);
    }

    /** Retrieved and not deleted: these get \Seen at QUIT. */
    long[] retrievedUids() {
        long[] out = new long[uids.length];
        int c = 0;
        for (int i = 0; i < uids.length; i++) if (retrieved[i] && !deleted[i]) out[c++] = uids[i];
        return java.util.Arrays.copyOf(out, c);
    }

    private long[] select(boolean[] marks, boolean value) {
        long[] out = new long[uids.length];
        int c = 0;
        for (int i = 0; i < uids.length; i++) if (marks[i] == value) out[c++] = uids[i];
        return java.util.Arrays.copyOf(out, c);
    }
}
