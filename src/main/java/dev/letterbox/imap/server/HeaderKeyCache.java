package dev.letterbox.imap.server;

import dev.letterbox.message.HeaderKeys;
import dev.letterbox.message.MessageStructure;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/**
 * This node's memory of messages' {@link HeaderKeys}, shared by every session ({@link MessageLru}). So
 * that SORT and SEARCH FROM/SUBJECT/... over a mailbox are answered from the mailbox's index and this
 * cache, without reading a row, a structure or a header per message per command (they did, and cost
 * 3–7× Dovecot's CPU, which reads its cache file).
 */
final class HeaderKeyCache {
    /** Messages read from the store per query on a miss. */
    private static final int PAGE = 200;

    private final MessageLru<HeaderKeys> kept;

    HeaderKeyCache(long budgetBytes) {
        this.kept = new MessageLru<>(budgetBytes, HeaderKeys::estimatedBytes);
    }

    /**
     * A thirty-second of the heap the JVM may grow to, between 2 and 64 MiB: 32 MiB (some 25,000
     * messages at 1.1–1.5 KiB each) with the 1 GiB the benches give the server.
     */
    static long defaultBudget() {
        return MessageLru.budget(32, 2L << 20, 64L << 20);
    }

    /**
     * The keys of the view's messages {@code uids} (ascending), in that order; null for a message that
     * no longer exists. Misses are read from the store a page at a time (row and stored structure in one
     * query, the header from the blob) and kept.
     */
    HeaderKeys[] of(CommandContext ctx, SelectedMailbox view, long[] uids) throws IOException {
        HeaderKeys[] out = kept.get(view, uids, new HeaderKeys[uids.length]);
        long[] missing = new long[uids.length];
        int[] missingAt = new int[uids.length];
        int misses = 0;
        for (int i = 0; i < uids.length; i++) {
            if (out[i] != null) continue;
            missingAt[misses] = i;
            missing[misses++] = uids[i];
        }
        for (int from = 0; from < misses; from += PAGE) {
            long[] page = Arrays.copyOfRange(missing, from, Math.min(misses, from + PAGE));
            List<StoredMessage> rows = ctx.store(view.ownerId).readOne(tx -> tx.messages(view.id, page, true));
            long[] rowUids = new long[rows.size()];
            HeaderKeys[] loaded = new HeaderKeys[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                rowUids[r] = rows.get(r).meta().uid();
                loaded[r] = load(ctx.blobs(), rows.get(r));
            }
            kept.put(view, rowUids, loaded);
            int k = from;
            for (int r = 0; r < rows.size(); r++) {
                while (k < misses && missing[k] < rowUids[r]) k++; // rows come ascending; absent UIDs stay null
                if (k < misses && missing[k] == rowUids[r]) out[missingAt[k]] = loaded[r];
            }
        }
        return out;
    }

    /** The keys of a row; null when the message's bytes are gone. */
    private static HeaderKeys load(BlobStore blobs, StoredMessage row) throws IOException {
        try {
            MessageStructure structure = Structures.decode(row.structure());
            if (structure == null) structure = Structures.parse(blobs, row.meta().blob());
            try (InputStream in = blobs.open(row.meta().blob())) {
                return HeaderKeys.of(structure, in);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return null; // expunged elsewhere and its bytes already deleted
        }
    }
}
