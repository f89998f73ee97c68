package dev.letterbox.archive;

import dev.letterbox.store.Flags;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An mbox file: messages each after a "From " line, which is preceded by a blank line (except the
 * first). In mboxrd every body line that would read "From " was written with one more '>' and
 * loses one here; in mboxo only ">From " was, and is undone (a line that was ">From " to begin with
 * cannot be told apart; that is mboxo's flaw). The blank line before each "From " line is the
 * separator, not the message's. The headers mail programs keep their state in (Status, X-Status,
 * X-Keywords, X-UID, X-IMAP, X-IMAPbase) become flags and are left out of the stored message.
 */
final class MboxReader implements MessageArchive {
    /** "Sat Jan  3 01:05:34 1996" (asctime), as From_ lines carry it; a zone may stand before the year. */
    private static final Pattern ASCTIME = Pattern.compile(
            "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\\d{1,2}) +"
                    + "(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?: +([+-]\\d{4}|[A-Z]{1,5}))? +(\\d{4})");
    private static final List<String> MONTHS = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
            "Oct", "Nov", "Dec");
    private static final List<String> STATE_HEADERS = List.of("status:", "x-status:", "x-keywords:", "x-uid:", "x-imap:",
            "x-imapbase:");

    private final Path file;
    private final String mailbox;
    private final boolean mboxrd;
    private final FileChannel channel;
    private final long total;
    private LineInput lines;
    /** Whether {@link #lines} holds the "From " line that starts the next message. */
    private boolean atSeparator;
    private long separatorOffset;
    private int number;

    MboxReader(Path file, String mailbox, boolean mboxrd) throws IOException, ArchiveException {
        this.file = file;
        this.mailbox = mailbox;
        this.mboxrd = mboxrd;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.total = channel.size();
        start(0);
        if (lines.next() && !lines.startsWith("From ")) {
            close();
            throw new ArchiveException(file + ": not an mbox file: it does not start with a \"From \" line");
        }
        atSeparator = lines.length > 0;
    }

    private void start(long offset) throws IOException {
        channel.position(offset);
        lines = new LineInput(new BufferedInputStream(Channels.newInputStream(channel), LineInput.CHUNK), offset);
        separatorOffset = offset;
    }

    @Override
    public SourceMessage next(OutputStream sink, long maxSize) throws IOException, ArchiveException {
        if (!atSeparator) return null;
        number++;
        String where = file + ": message " + number + " (at byte " + separatorOffset + ")";
        Optional<Instant> date = fromLineDate(lines.text());
        while (!lines.complete) lines.next(); // the rest of an absurdly long From_ line
        CrlfOutput out = new CrlfOutput(sink, maxSize);
        MessageState state = new MessageState();
        boolean inHeader = true, skippingField = false, lastEndedLine = true;
        int blanks = 0; // blank lines held back: the last one before a "From " line is the separator
        atSeparator = false;
        while (lines.next()) {
            if (lines.isBlank()) {
                blanks++;
                inHeader = false;
                continue;
            }
            if (blanks > 0 && lines.startsWith("From ")) {
                writeBlanks(out, blanks - 1);
                atSeparator = true;
                separatorOffset = lines.offset() - lines.length;
                break;
            }
            writeBlanks(out, blanks);
            blanks = 0;
            if (inHeader) {
                if (!lines.continuation) {
                    boolean folded = lines.line[0] == ' ' || lines.line[0] == '\t';
                    if (!folded) skippingField = isStateHeader();
                }
                if (skippingField) {
                    if (!lines.continuation) state.read(lines.text());
                    continue;
                }
            }
            int skip = !lines.continuation && isEscapedFrom() ? 1 : 0;
            out.write(lines.line, skip, lines.length - skip);
            lastEndedLine = lines.endsWithNewline();
        }
        if (!atSeparator) writeBlanks(out, Math.max(0, blanks - 1)); // the end of the file ends the last message
        SourceMessage message = SourceMessage.ok(mailbox, state.flags(), date, where);
        if (!lastEndedLine && !atSeparator) return message.refused("the file ends in the middle of a line (cut off?)");
        if (out.overflowed()) return message.refused("larger than the limit of " + maxSize + " bytes");
        if (out.written() == 0) return message.refused("empty");
        return message;
    }

    private static void writeBlanks(CrlfOutput out, int n) throws IOException {
        for (int i = 0; i < n; i++) out.write(CRLF);
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private boolean isStateHeader() {
        for (String name : STATE_HEADERS) {
            if (lines.length >= name.length() && new String(lines.line, 0, name.length(),
                    java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT).equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** mboxrd: ">From ", ">>From ", …; mboxo: ">From " only. */
    private boolean isEscapedFrom() {
        if (lines.length < 6 || lines.line[0] != '>') return false;
        int i = 1;
        if (mboxrd) while (i < lines.length && lines.line[i] == '>') i++;
        return lines.startsWith(i, "From ");
    }

    static Optional<Instant> fromLineDate(String fromLine) {
        String text = fromLine.length() > 1000 ? fromLine.substring(0, 1000) : fromLine;
        Matcher m = ASCTIME.matcher(text);
        if (!m.find()) return Optional.empty();
        try {
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(7)), MONTHS.indexOf(m.group(1)) + 1,
                    Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                    m.group(5) == null ? 0 : Integer.parseInt(m.group(5)));
            ZoneOffset zone = m.group(6) != null && m.group(6).length() == 5 && (m.group(6).startsWith("+") || m.group(6).startsWith("-"))
                    ? ZoneOffset.of(m.group(6)) : ZoneOffset.UTC;
            return Optional.of(local.toInstant(zone));
        } catch (RuntimeException e) {
            return Optional.empty(); // 31 Feb and the like
        }
    }

    @Override
    public String checkpoint() {
        return Long.toString(atSeparator ? separatorOffset : total);
    }

    @Override
    public void resume(String checkpoint) throws IOException, ArchiveException {
        long position = checkpoint.isEmpty() ? 0 : Long.parseLong(checkpoint);
        if (position == 0) return;
        if (position >= total) {
            atSeparator = false;
            return;
        }
        start(position);
        if (!lines.next() || !lines.startsWith("From ")) {
            throw new ArchiveException(file + ": changed since the import stopped: no message starts at byte " + position
                    + "; import it again with --restart");
        }
        atSeparator = true;
    }

    @Override
    public long bytesRead() {
        return lines.offset();
    }

    @Override
    public long totalBytes() {
        return total;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Flags from the state headers: Status R (read); X-Status A, F, T, D; X-Keywords. */
    private static final class MessageState {
        private int system;
        private final List<String> keywords = new ArrayList<>();
        private String field = "";

        void read(String line) {
            String value = line;
            if (!line.startsWith(" ") && !line.startsWith("\t")) {
                int colon = line.indexOf(':');
                field = line.substring(0, colon).toLowerCase(Locale.ROOT);
                value = line.substring(colon + 1);
            }
            switch (field) {
                case "status" -> {
                    if (value.indexOf('R') >= 0) system |= Flags.SEEN;
                }
                case "x-status" -> {
                    if (value.indexOf('A') >= 0) system |= Flags.ANSWERED;
                    if (value.indexOf('F') >= 0) system |= Flags.FLAGGED;
                    if (value.indexOf('T') >= 0) system |= Flags.DRAFT;
                    if (value.indexOf('D') >= 0) system |= Flags.DELETED;
                }
                case "x-keywords" -> {
                    for (String k : value.split("[ ,\t]+")) {
                        if (!k.isEmpty() && keywords.size() < 64 && Keywords.valid(k)) keywords.add(k);
                    }
                }
                default -> { }
            }
        }

        Flags flags() {
            return Flags.of(system, keywords);
        }
    }
}
