package dev.letterbox.archive;

import dev.letterbox.store.MessageMeta;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/** Writes a mailbox tree into an archive: {@link #folder} starts each mailbox, {@link #message} adds to it. */
interface ArchiveWriter extends Closeable {
    void folder(String mailbox) throws IOException;

    /** One message of the current folder; {@code message} has CRLF line ends, as the store keeps it. */
    void message(MessageMeta meta, InputStream message) throws IOException;
}
