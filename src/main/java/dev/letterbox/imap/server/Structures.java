package dev.letterbox.imap.server;

import dev.letterbox.message.MessageStructure;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.ReadTx;
import java.io.IOException;
import java.io.InputStream;

/**
 * The parsed-once structure of a message: read from the store where delivery or APPEND kept it,
 * parsed from the blob only for messages stored without one.
 */
final class Structures {
    private Structures() {}

    /** The stored structure, or null when none was stored (or it cannot be read back). */
    static MessageStructure stored(ReadTx tx, BlobId blob) {
        return decode(tx.structure(blob));
    }

    /** A stored structure decoded; null when there is none or its format is unknown (parse again). */
    static MessageStructure decode(byte[] data) {
        if (data == null) return null;
        try {
            return MessageStructure.deserialize(data);
        } catch (IllegalArgumentException e) {
            return null; // a format this build does not know: parse again
        }
    }

    /** Parses the blob; {@link java.nio.file.NoSuchFileException} when it is gone. */
    static MessageStructure parse(BlobStore blobs, BlobId blob) throws IOException {
        try (InputStream in = blobs.open(blob)) {
            return MessageStructure.parse(in);
        }
    }
}
