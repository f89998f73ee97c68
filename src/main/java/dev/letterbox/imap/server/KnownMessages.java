package dev.letterbox.imap.server;

import dev.letterbox.message.MessageStructure;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailboxIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * What FETCH needs of a message beyond the mailbox's index, kept on this node once read: its blob id
 * and its decoded structure ({@link MessageLru}). A FETCH of ENVELOPE, BODYSTRUCTURE or a section of
 * messages known here reads nothing from the store: the index has the rest (flags, MODSEQ, dates,
 * size) and is as current as the store. Before, each such FETCH ran a query for the rows and decoded
 * every structure again.
 *
 * <p>Memory: a decoded structure is counted as eight times its stored size plus 200 bytes (a
 * one-part message: 1.8 KiB counted, 1.6 KiB measured on the heap with its ENVELOPE rendered); the
 * budget is a thirty-second of the heap (32 MiB with 1 GiB).
 */
final class KnownMessages {
    /** A message's blob and decoded structure, and the structure's stored size. */
    record Known(BlobId blob, MessageStructure structure, int storedSize) {
        long weight() {
            return 200 + 8L * storedSize;
        }
    }

    /** A message known here, with its data from the index. */
    record Hit(long uid, long modSeq, Flags flags, long internalDate, long size, BlobId blob, MessageStructure structure) {}

    private final MessageLru<Known> kept = new MessageLru<>(MessageLru.budget(32, 2L << 20, 64L << 20), Known::weight);

    /**
     * The messages of {@code uids} (ascending, all in the view) that still exist, from the index and
     * what is kept here; null when any of them is not known here: then read the store and
     * {@link #keep} what it gave.
     */
    List<Hit> lookup(SelectedMailbox view, long[] uids) {
        Known[] known = kept.get(view, uids, new Known[uids.length]);
        for (Known k : known) if (k == null) return null;
        List<Hit> out = new ArrayList<>(uids.length);
        MailboxIndex.Page page = null;
        int i = 0;
        while (i < uids.length) { // one index read per run of consecutive UIDs
            int end = i;
            while (end + 1 < uids.length && uids[end + 1] == uids[end] + 1) end++;
            if (page == null || page.capacity() < end - i + 1) page = new MailboxIndex.Page(end - i + 1);
            view.index.read(uids[i], uids[end], page);
            for (int p = 0, k = i; p < page.count; p++) {
                while (uids[k] < page.uids[p]) k++; // a UID the index no longer has: expunged, skipped
                Known m = known[k];
                out.add(new Hit(page.uids[p], page.modSeqs[p], page.flags[p], page.internalDates[p], page.sizes[p],
                        m.blob(), m.structure()));
            }
            i = end + 1;
        }
        return out;
    }

    /**
     * Remembers messages this node has just appended to a mailbox, from what it stored (a null
     * structure: not kept), so that a FETCH of them, by any session here, needs no query for their
     * rows; the structure is decoded now, as that FETCH would have done.
     */
    void keepAppended(long mailboxId, long uidValidity, long[] uids, BlobId[] blobs, byte[][] structures) {
        Known[] known = new Known[uids.length];
        for (int i = 0; i < uids.length; i++) {
            MessageStructure decoded = structures[i] == null ? null : Structures.decode(structures[i]);
            if (decoded != null) known[i] = new Known(blobs[i], decoded, structures[i].length);
        }
        kept.put(mailboxId, uidValidity, uids, known);
    }

    /** Remembers these messages of the view (a null structure: the message is not kept). */
    void keep(SelectedMailbox view, long[] uids, BlobId[] blobs, MessageStructure[] structures, int[] storedSizes) {
        Known[] known = new Known[uids.length];
        for (int i = 0; i < uids.length; i++) {
            if (structures[i] != null) known[i] = new Known(blobs[i], structures[i], storedSizes[i]);
        }
        kept.put(view, uids, known);
    }
}
