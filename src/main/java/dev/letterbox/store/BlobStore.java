package dev.letterbox.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;

/**
 * Immutable message bytes by id. A blob is written through a {@link BlobWriter}; after
 * {@link BlobWriter#commit()} its id may be referred to from a write transaction, and the bytes are
 * durable no later than the first such transaction's commit (an implementation may fsync them at
 * {@code commit()} — a large file — or store them with the transaction that refers to them — a
 * small body kept in the database). Either way, once a transaction referring to the blob has
 * returned, the bytes survive a crash. A blob must be referred to within an hour of its commit.
 * Deleting is the store's business when the last reference goes; the creator may also delete a
 * blob it never referred to (a delivery that failed).
 */
public interface BlobStore {
    BlobWriter create() throws IOException;

    InputStream open(BlobId id) throws IOException;

    /** Random access, for partial fetches ({@code BODY[]<start.len>}, POP3 TOP). */
    SeekableByteChannel openChannel(BlobId id) throws IOException;

    long size(BlobId id) throws IOException;

    boolean exists(BlobId id);

    /**
     * Removes a blob its creator never got stored (a failed delivery); missing is fine. A blob that
     * something refers to is left alone: only the store removes those, with their last reference.
     */
    void delete(BlobId id) throws IOException;

    /**
     * Scratch space for bytes on their way in (a message that is still arriving, too big for memory):
     * never synced, readable while open, removed on {@link Scratch#close()}, and removed by the next
     * start's recovery if the process dies first — it promises nothing.
     */
    Scratch scratch() throws IOException;

    /** See {@link #scratch()}. One thread writes, then reads; not thread-safe. */
    interface Scratch extends AutoCloseable {
        OutputStream stream();

        /** The bytes written so far, from the first; may be called more than once. */
        InputStream open() throws IOException;

        @Override
        void close();
    }

    /** An output stream into a new blob. Closing without {@link #commit()} discards it. */
    interface BlobWriter extends AutoCloseable {
        OutputStream stream();

        long bytesWritten();

        /** Ends writing and returns the new blob's id (see the interface for when it is durable). */
        BlobId commit() throws IOException;

        /** Discards an uncommitted blob; after commit does nothing. */
        @Override
        void close() throws IOException;
    }
}
