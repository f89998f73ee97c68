package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.Change;
import dev.letterbox.store.Flags;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one unit of work did besides its rows: the changes to announce, the blobs it stopped
 * referring to, the MODSEQ it took per mailbox. Lives exactly as long as the unit's savepoint; a
 * unit that fails takes its effects with it, so nothing of it is announced or deleted.
 */
final class UnitEffects {
    private final Set<Change> changes = new LinkedHashSet<>();
    private final Set<String> released = new LinkedHashSet<>();
    private final Map<Long, Long> modSeqs = new HashMap<>();
    private final List<BlobId> freed = new ArrayList<>();
    private final List<BlobId> persisted = new ArrayList<>();
    /** Per mailbox whose MODSEQ this unit took: what it did to the messages, in order (for the indexes). */
    private final Map<Long, List<IndexDelta.Op>> ops = new HashMap<>();
    private long accountId;

    void changed(Change change) {
        changes.add(change);
    }

    /** The unit dropped a reference to {@code blob}; whether it was the last is decided in {@link #finish}. */
    void released(String blob) {
        released.add(blob);
    }

    /**
     * The unit deleted the row of {@code blob} (its last reference went): a large blob's bytes go
     * after the commit. A small blob's bytes lived in that row: nothing is left to delete, and the
     * writer need not check again that nothing refers to it (a query per expunged message).
     */
    void dropped(BlobId blob) {
        if (!SqlBlobStore.isInline(blob)) freed.add(blob);
    }

    /** The MODSEQ this unit already took for the mailbox, or null. */
    Long modSeq(long mailboxId) {
        return modSeqs.get(mailboxId);
    }

    /** Whether this unit has changed any mailbox's messages yet. */
    boolean tookModSeqs() {
        return !modSeqs.isEmpty();
    }

    void modSeq(long mailboxId, long modSeq) {
        modSeqs.put(mailboxId, modSeq);
    }

    /** Records what the unit did to a message of a mailbox whose MODSEQ it took (see {@link #deltas}). */
    void indexOp(long accountId, long mailboxId, IndexDelta.Op op) {
        this.accountId = accountId;
        ops.computeIfAbsent(mailboxId, id -> new ArrayList<>()).add(op);
    }

    void added(long accountId, long mailboxId, long uid, Flags flags, long internalDate, long size) {
        indexOp(accountId, mailboxId, new IndexDelta.Added(uid, flags, internalDate, size));
    }

    /**
     * The unit's effect on each mailbox it took a MODSEQ for, for the in-memory indexes. A mailbox
     * whose content changed without a delta here (deleted, its account removed) is announced by a
     * {@link Change.MailboxContent} alone, and its index re-reads the store.
     */
    List<IndexDelta> deltas() {
        List<IndexDelta> out = new ArrayList<>(modSeqs.size());
        for (Map.Entry<Long, Long> e : modSeqs.entrySet()) {
            List<IndexDelta.Op> list = ops.get(e.getKey());
            out.add(new IndexDelta(accountId, e.getKey(), e.getValue(), list == null ? List.of() : list));
        }
        return out;
    }

    /**
     * Ends a unit that succeeded, still inside its savepoint: deletes the rows of blobs nothing refers
     * to any more. (Its changes reach other processes from the writer, once per group at commit.)
     */
    void finish(SqlSession db) {
        for (String blob : released) {
            if (BlobRefs.dropIfUnreferenced(db, blob)) dropped(new BlobId(blob));
        }
    }

    Set<Change> changes() {
        return changes;
    }

    /** A small blob's bytes were written into its row by this unit. */
    void persisted(BlobId blob) {
        persisted.add(blob);
    }

    /** Small blobs whose bytes are durable once this unit is committed. */
    List<BlobId> persistedBlobs() {
        return persisted;
    }

    /** Large blobs whose last reference this unit removed: their bytes go once the unit is committed. */
    List<BlobId> freedBlobs() {
        return freed;
    }
}
