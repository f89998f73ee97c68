package dev.letterbox.imap.server;

import dev.letterbox.imap.StoredLiteral;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A large APPEND literal received straight into an uncommitted blob. The whole literal is always
 * read from the client, even when writing the blob fails (the stream must stay in step); the
 * failure is reported when the handler commits. Closing without committing discards the blob.
 */
final class BlobLiteral implements StoredLiteral {
    private final BlobStore.BlobWriter writer;
    private final long size;
    private final IOException failure;

    private BlobLiteral(BlobStore.BlobWriter writer, long size, IOException failure) {
        this.writer = writer;
        this.size = size;
        this.failure = failure;
    }

    static BlobLiteral receive(BlobStore blobs, InputStream data, long size) throws IOException {
        BlobStore.BlobWriter writer = null;
        IOException failure = null;
        try {
            writer = blobs.create();
        } catch (IOException e) {
            failure = e;
        }
        OutputStream sink = writer == null ? null : writer.stream();
        byte[] chunk = new byte[(int) Math.min(size, 64 * 1024)];
        long left = size;
        while (left > 0) {
            int n = data.read(chunk, 0, (int) Math.min(chunk.length, left));
            if (n < 0) break; // the reader notices the short literal
            left -= n;
            if (sink != null) {
                try {
                    sink.write(chunk, 0, n);
                } catch (IOException e) {
                    failure = e;
                    sink = null;
                }
            }
        }
        return new BlobLiteral(writer, size, failure);
    }

    @Override
    public long size() {
        return size;
    }

    /** Makes the blob durable; throws when receiving it failed. */
    BlobId commit() throws IOException {
        if (failure != null) throw failure;
        return writer.commit();
    }

    @Override
    public void close() {
        if (writer == null) return;
        try {
            writer.close();
        } catch (IOException ignored) {
            // an uncommitted temporary file; the store's sweep removes leftovers
        }
    }
}
