package dev.letterbox.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;

/**
 * Immutable message bytes by id. A blob is written through a {@link BlobWriter}; {@link BlobWriter#commit()}
 * makes it durable (data fsynced, renamed into place, directory fsynced) and returns its id. Only
 * committed blobs may be referenced from a transaction. Deleting is the store's business (when the
 * last reference goes), not the protocols'.
 */
public interface BlobStore {
    BlobWriter create() throws IOException;

    InputStream open(BlobId id) throws IOException;

    /** Random access, for partial fetches ({@code BODY[]<start.len>}, POP3 TOP). */
    SeekableByteChannel openChannel(BlobId id) throws IOException;

    long size(BlobId id) throws IOException;

    boolean exists(BlobId id);

    /** Removes the blob's bytes; missing is fine. Only the store calls this, after commit. */
    void delete(BlobId id) throws IOException;

    /** An output stream into a new blob. Closing without {@link #commit()} discards it. */
    interface BlobWriter extends AutoCloseable {
        OutputStream stream();

        long bytesWritten();

        /** Durably stores the bytes written so far and returns the new blob's id. */
        BlobId commit() throws IOException;

        /** Discards an uncommitted blob; after commit does nothing. */
        @Override
        void close() throws IOException;
    }
}
