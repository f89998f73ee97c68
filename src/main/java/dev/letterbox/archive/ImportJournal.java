package dev.letterbox.archive;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where an import of one archive into one account stands, in a file of its own: what lets a second
 * run go on where the first stopped without storing anything twice. Lines are appended and fsynced:
 * {@code batch} before a batch is committed to the store (where it goes and the sizes of its
 * messages), {@code done} after, {@code complete} at the end. A batch without its {@code done} may or
 * may not have been committed (the process died in between): {@link Importer} looks in the mailbox.
 */
final class ImportJournal implements AutoCloseable {
    /** A batch on its way into the store: its messages' sizes, in order, and what comes after it. */
    record Batch(String checkpoint, String mailbox, long uidNextBefore, List<Long> sizes) {}

    private final Path file;
    private FileChannel out;
    /** The archive's checkpoint after the last batch done (see {@link MessageArchive#checkpoint}). */
    String checkpoint = "";
    boolean complete;
    /** A batch announced and not marked done (see the class comment), or empty. */
    Optional<Batch> pending = Optional.empty();
    long imported;

    private ImportJournal(Path file) {
        this.file = file;
    }

    static ImportJournal open(Path file) throws IOException, ArchiveException {
        ImportJournal journal = new ImportJournal(file);
        if (Files.exists(file)) journal.load();
        Files.createDirectories(file.getParent());
        journal.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return journal;
    }

    private void load() throws IOException, ArchiveException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.removeLast(); // after the last LF: empty, or a line a crash cut short (never acted on)
        for (String line : lines) {
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "batch" -> {
                        List<Long> sizes = new ArrayList<>();
                        for (String s : f[4].split(",")) sizes.add(Long.parseLong(s));
                        pending = Optional.of(new Batch(decode(f[1]), decode(f[2]), Long.parseLong(f[3]), sizes));
                    }
                    case "done" -> {
                        checkpoint = decode(f[1]);
                        imported += Long.parseLong(f[2]);
                        pending = Optional.empty();
                    }
                    case "complete" -> complete = true;
                    default -> throw new IllegalArgumentException(f[0]);
                }
            } catch (RuntimeException e) {
                throw new ArchiveException(file + ": import journal damaged at: " + line + " (import again with --restart)");
            }
        }
    }

    void announce(Batch batch) throws IOException {
        StringBuilder sizes = new StringBuilder();
        for (long s : batch.sizes()) sizes.append(sizes.isEmpty() ? "" : ",").append(s);
        append("batch " + encode(batch.checkpoint()) + " " + encode(batch.mailbox()) + " "
                + batch.uidNextBefore() + " " + sizes);
        pending = Optional.of(batch);
    }

    void done(Batch batch, long count) throws IOException {
        append("done " + encode(batch.checkpoint()) + " " + count);
        checkpoint = batch.checkpoint();
        imported += count;
        pending = Optional.empty();
    }

    /** Moves on past messages that were skipped, not stored (nothing to check on a later run). */
    void skipped(String checkpoint) throws IOException {
        append("done " + encode(checkpoint) + " 0");
        this.checkpoint = checkpoint;
    }

    void finish() throws IOException {
        append("complete");
        complete = true;
    }

    /** Starts over: the file is emptied. */
    void reset() throws IOException {
        out.truncate(0);
        out.force(true);
        checkpoint = "";
        complete = false;
        pending = Optional.empty();
        imported = 0;
    }

    private void append(String line) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) out.write(bytes);
        out.force(false);
    }

    private static String encode(String s) {
        return s.isEmpty() ? "-" : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return s.equals("-") ? "" : URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
