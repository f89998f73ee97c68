package dev.letterbox.archive;

import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MessageMeta;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Writes mboxrd files, one per mailbox: INBOX as "INBOX.mbox", "A/B" as "A/B.mbox". Each message
 * gets a From_ line with its internal date, its flags as Status/X-Status/X-Keywords at the end of
 * its header (as mail programs keep them in mbox), body lines that read "From " after any number of
 * '>' one more '>', LF line ends, and a blank line after it.
 */
final class MboxWriter implements ArchiveWriter {
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Path root;
    private OutputStream out;

    MboxWriter(Path root) {
        this.root = root;
    }

    @Override
    public void folder(String mailbox) throws IOException {
        closeFile();
        Path file = root;
        for (String level : mailbox.split(String.valueOf(Mailbox.SEPARATOR), -1)) file = file.resolve(safe(level));
        file = file.resolveSibling(file.getFileName() + ".mbox");
        Files.createDirectories(file.getParent());
        out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
    }

    /** A name level as a file name: no path tricks. */
    private static String safe(String level) {
        String s = level.replace('\\', '_').replace('\0', '_');
        return s.isEmpty() || s.equals(".") || s.equals("..") ? "_" + s : s;
    }

    @Override
    public void message(MessageMeta meta, InputStream message) throws IOException {
        write("From MAILER-DAEMON " + ASCTIME.format(meta.internalDate()) + "\n");
        LineInput lines = new LineInput(message, 0);
        boolean inHeader = true, endedLine = true;
        while (lines.next()) {
            if (inHeader && lines.isBlank()) {
                writeState(meta.flags());
                inHeader = false;
            }
            int from = 0;
            if (!lines.continuation && isFromLine(lines)) out.write('>');
            int n = lines.length;
            if (n >= 2 && lines.line[n - 2] == '\r' && lines.line[n - 1] == '\n') {
                out.write(lines.line, from, n - 2);
                out.write('\n');
            } else {
                out.write(lines.line, from, n);
            }
            endedLine = lines.endsWithNewline();
        }
        if (!endedLine) out.write('\n');
        if (inHeader) writeState(meta.flags()); // a message of header alone
        out.write('\n');
    }

    /** A line that, after any '>'s, reads "From ". */
    private static boolean isFromLine(LineInput lines) {
        int i = 0;
        while (i < lines.length && lines.line[i] == '>') i++;
        return lines.startsWith(i, "From ");
    }

    private void writeState(Flags flags) throws IOException {
        write("Status: " + (flags.has(Flags.SEEN) ? "RO" : "O") + "\n");
        StringBuilder x = new StringBuilder();
        if (flags.has(Flags.ANSWERED)) x.append('A');
        if (flags.has(Flags.FLAGGED)) x.append('F');
        if (flags.has(Flags.DRAFT)) x.append('T');
        if (flags.has(Flags.DELETED)) x.append('D');
        if (!x.isEmpty()) write("X-Status: " + x + "\n");
        if (!flags.keywords().isEmpty()) write("X-Keywords: " + String.join(" ", flags.keywords()) + "\n");
    }

    private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private void closeFile() throws IOException {
        if (out != null) out.close();
        out = null;
    }

    @Override
    public void close() throws IOException {
        closeFile();
    }
}
