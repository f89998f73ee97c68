package dev.letterbox.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An archive that is a list of files, one message each, in a fixed (sorted) order: Maildir and
 * directories of {@code .eml} files. Positions are numbers in that list.
 */
abstract class FileListReader implements MessageArchive {
    /** One message file and the folder it belongs in. */
    record Entry(String mailbox, Path file, String name) {}

    private final Path root;
    private final List<Entry> entries;
    private final long total;
    private int next;
    private long read;

    FileListReader(Path root, List<Entry> entries) throws IOException {
        this.root = root;
        this.entries = entries;
        long sum = 0;
        for (Entry e : entries) sum += Files.size(e.file());
        this.total = sum;
    }

    /** What the file's name and place say of the message: its flags and internal date. */
    abstract SourceMessage describe(Entry entry, String where) throws IOException;

    @Override
    public SourceMessage next(OutputStream sink, long maxSize) throws IOException {
        if (next >= entries.size()) return null;
        Entry entry = entries.get(next++);
        String where = root.relativize(entry.file()).toString();
        SourceMessage message = describe(entry, where);
        long size = Files.size(entry.file());
        read += size;
        if (size == 0) return message.refused("empty");
        if (size > maxSize) return message.refused("larger than the limit of " + maxSize + " bytes");
        CrlfOutput out = new CrlfOutput(sink, maxSize);
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(entry.file())) {
            for (int n; (n = in.read(buffer)) > 0; ) out.write(buffer, 0, n);
        }
        if (out.overflowed()) return message.refused("larger than the limit of " + maxSize + " bytes once its lines end in CRLF");
        return message;
    }

    /** "N name": N files read, the last of them this one. */
    @Override
    public String checkpoint() {
        return next + " " + (next == 0 ? "" : entries.get(next - 1).name());
    }

    @Override
    public void resume(String checkpoint) throws IOException, ArchiveException {
        if (checkpoint.isEmpty()) return;
        int space = checkpoint.indexOf(' ');
        int position = Integer.parseInt(checkpoint.substring(0, space));
        String name = checkpoint.substring(space + 1);
        if (position < 0 || position > entries.size() || position > 0 && !entries.get(position - 1).name().equals(name)) {
            throw new ArchiveException(root + ": changed since the import stopped (message " + position + " was " + name
                    + "); import it again with --restart");
        }
        for (int i = next; i < position; i++) read += Files.size(entries.get(i).file());
        next = position;
    }

    @Override
    public long bytesRead() {
        return read;
    }

    @Override
    public long totalBytes() {
        return total;
    }

    @Override
    public void close() {}
}
