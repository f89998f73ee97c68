package dev.letterbox.store.blob;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;

import java.io.IOException;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * Where the blobs too big for their database row live: files ({@link FileBlobStore}) or chunks in
 * the database itself. The relational store keeps small blobs in the row and hands the rest here.
 *
 * <p>{@link #delete} is called once nothing refers to the blob any more: the relational store
 * checks its {@code blob} row first (a store inside the database checks again, in the deleting
 * statement itself, so a blob referred to again on another node keeps its bytes).
 */
public interface LargeBlobStore extends BlobStore {
    /**
     * Removes what a crash can leave behind: partial blobs and scratch files nobody is writing, at
     * once; committed blobs nothing refers to, once none of their bytes was written after
     * {@code olderThan} (a younger one may belong to a delivery about to refer to it). A store whose
     * blobs live outside the database asks {@code referenced}; one inside the database may decide
     * that in the very statement that deletes. Stops early when the thread is interrupted.
     */
    Swept sweep(Predicate<BlobId> referenced, Instant olderThan) throws IOException;

    /** What a {@link #sweep} removed: partial blobs (and scratch files) and unreferenced committed blobs. */
    record Swept(int partialFiles, long partialBytes, int unreferencedFiles, long unreferencedBytes) {
        public boolean nothing() {
            return partialFiles == 0 && unreferencedFiles == 0;
        }
    }
}
