package dev.letterbox.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An archive read one message at a time, in a fixed order, so that an import can stop and go on
 * later from a {@link #position()}. Messages come out with CRLF line ends, as the store keeps them.
 */
public interface MessageArchive extends Closeable {
    /**
     * Copies the next message into {@code out}; null when there are no more. At most
     * {@code maxSize} bytes are written: a bigger message comes back with a problem, its bytes skipped.
     */
    SourceMessage next(OutputStream out, long maxSize) throws IOException, ArchiveException;

    /**
     * Where the archive stands, as text only this kind of archive reads: a byte offset in an mbox, a
     * file's number and name in a directory, the last UID of each folder of an IMAP server.
     * {@link #resume} with it goes on after the messages read so far.
     */
    String checkpoint();

    /** Goes on from {@code checkpoint} (empty: from the start); refuses when the archive no longer matches it. */
    void resume(String checkpoint) throws IOException, ArchiveException;

    /** The archive's bytes read so far and in all, for progress. */
    long bytesRead();

    long totalBytes();

    /**
     * Opens {@code path} as what it looks like: a file is an mbox, a directory with {@code cur/} a
     * Maildir, any other directory a directory of {@code .eml} files ({@code mailbox} names their
     * folder; mbox too goes into it).
     */
    static MessageArchive open(Path path, String mailbox, boolean mboxrd) throws IOException, ArchiveException {
        if (Files.isRegularFile(path)) return new MboxReader(path, mailbox, mboxrd);
        if (!Files.isDirectory(path)) throw new ArchiveException(path + ": no such file or directory");
        if (Files.isDirectory(path.resolve("cur"))) return new MaildirReader(path);
        return new EmlDirectoryReader(path, mailbox);
    }
}
