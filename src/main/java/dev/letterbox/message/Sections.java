package dev.letterbox.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/** Section content for FETCH, read from the blob through the structure's offsets. */
public final class Sections {
    /** Enough of a line to hold any field name a client can ask for. */
    private static final int NAME_KEEP = 1024;
    /** Headers up to this size (nearly all) are selected from in memory: one read, no string a line. */
    static final int IN_MEMORY_HEADER = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LF = {'\n'};

    private Sections() {}

    /**
     * RFC 3501 §6.4.5 HEADER.FIELDS / HEADER.FIELDS.NOT: the fields of the header in
     * [headerStart, headerEnd) whose names match (not=false) or do not match (not=true) one of
     * {@code fields} (case-insensitively), in their original order with their continuation lines,
     * followed by the blank line. Lines that are not fields (no colon) only go with .NOT. The header
     * stops at its blank line. Only the selected lines are held in memory.
     */
    public static byte[] headerFields(SeekableByteChannel blob, long headerStart, long headerEnd,
                                      List<String> fields, boolean not) throws IOException {
        return headerFields(blob, headerStart, headerEnd, fields, not, IN_MEMORY_HEADER);
    }

    /** As above; a header longer than {@code inMemoryUpTo} is streamed, its selected lines alone held (tests set 0). */
    static byte[] headerFields(SeekableByteChannel blob, long headerStart, long headerEnd,
                               List<String> fields, boolean not, int inMemoryUpTo) throws IOException {
        if (headerEnd - headerStart <= inMemoryUpTo) {
            return headerFields(read(blob, headerStart, headerEnd), fields, not);
        }
        Set<String> wanted = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        wanted.addAll(fields);
        List<long[]> ranges = new ArrayList<>();
        byte[] blank = {'\r', '\n'};
        LineReader lines = new LineReader(new BlobRegion(blob, headerStart, headerEnd));
        boolean selected = false;
        while (lines.next(NAME_KEEP)) {
            if (lines.isBlank()) {
                blank = lines.terminatorLength() == 1 ? new byte[] {'\n'} : blank;
                break;
            }
            byte first = lines.kept()[0];
            if (first != ' ' && first != '\t') {
                String name = fieldName(lines.kept(), lines.keptLength());
                selected = name == null ? not : wanted.contains(name) != not;
            }
            if (!selected) continue;
            long start = headerStart + lines.lineStart();
            long end = headerStart + lines.lineEnd();
            long[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && last[1] == start) {
                last[1] = end;
            } else {
                ranges.add(new long[] {start, end});
            }
        }
        long selectedLength = 0;
        for (long[] r : ranges) selectedLength += r[1] - r[0];
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(selectedLength + 2, 1 << 16));
        // one small copy buffer for every range (transferTo would allocate 16 KiB for each)
        byte[] copy = new byte[(int) Math.max(1, Math.min(selectedLength, 8192))];
        byte last = '\n';
        for (long[] r : ranges) {
            try (InputStream in = new BlobRegion(blob, r[0], r[1])) {
                for (int n; (n = in.read(copy)) > 0; ) {
                    out.write(copy, 0, n);
                    last = copy[n - 1];
                }
            }
        }
        if (last != '\n') out.write(blank);  // last line unterminated
        out.write(blank);
        return out.toByteArray();
    }

    /**
     * {@link #headerFields(SeekableByteChannel, long, long, List, boolean)} of a header held in
     * memory, with the same answer: lines split at LF, a continuation line goes with its field, a
     * line without a field name (no colon within {@link #NAME_KEEP} octets) only with .NOT.
     */
    static byte[] headerFields(byte[] header, List<String> fields, boolean not) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(header.length, 1024) + 2);
        byte[] blank = CRLF;
        boolean selected = false;
        byte last = '\n';
        for (int pos = 0; pos < header.length; ) {
            int end = pos;
            while (end < header.length && header[end] != '\n') end++;
            end = Math.min(header.length, end + 1);
            int length = end - pos;
            if (length == 1 && header[pos] == '\n' || length == 2 && header[pos] == '\r' && header[pos + 1] == '\n') {
                blank = length == 1 ? LF : CRLF;
                break;
            }
            if (header[pos] != ' ' && header[pos] != '\t') {
                int nameEnd = fieldNameEnd(header, pos, Math.min(end, pos + NAME_KEEP));
                selected = nameEnd < 0 ? not : isOneOf(header, pos, nameEnd, fields) != not;
            }
            if (selected) {
                out.write(header, pos, length);
                last = header[end - 1];
            }
            pos = end;
        }
        if (last != '\n') out.write(blank, 0, blank.length);  // last line unterminated
        out.write(blank, 0, blank.length);
        return out.toByteArray();
    }

    /** Where the field name of the line at {@code from} ends (the colon, less white space before it), or -1 for none. */
    private static int fieldNameEnd(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == ':') {
                int end = i;
                while (end > from && (b[end - 1] == ' ' || b[end - 1] == '\t')) end--;
                return end == from ? -1 : end;
            }
            if (b[i] == '\r' || b[i] == '\n') return -1;
        }
        return -1;
    }

    /** The octets [from, to) of the blob, fewer when it ends sooner (as a BlobRegion reads them, without its buffer). */
    private static byte[] read(SeekableByteChannel blob, long from, long to) throws IOException {
        byte[] bytes = new byte[(int) (to - from)];
        ByteBuffer into = ByteBuffer.wrap(bytes);
        blob.position(from);
        while (into.hasRemaining() && blob.read(into) >= 0) {
            // a channel may return fewer octets than asked for
        }
        return into.hasRemaining() ? Arrays.copyOf(bytes, into.position()) : bytes;
    }

    /** Whether the octets [from, to), read as ISO-8859-1, equal one of {@code names} ignoring case (as String.CASE_INSENSITIVE_ORDER). */
    private static boolean isOneOf(byte[] b, int from, int to, List<String> names) {
        for (int k = 0; k < names.size(); k++) { // indexed: an iterator a line adds up
            String name = names.get(k);
            if (name.length() != to - from) continue;
            int i = 0;
            while (i < name.length() && sameIgnoringCase((char) (b[from + i] & 0xff), name.charAt(i))) i++;
            if (i == name.length()) return true;
        }
        return false;
    }

    private static boolean sameIgnoringCase(char a, char b) {
        if (a == b) return true;
        char ua = Character.toUpperCase(a), ub = Character.toUpperCase(b);
        return ua == ub || Character.toLowerCase(ua) == Character.toLowerCase(ub);
    }

    /** The field name of a header line (before the colon, trailing white space removed), or null. */
    static String fieldName(byte[] line, int length) {
        for (int i = 0; i < length; i++) {
            if (line[i] == ':') {
                int end = i;
                while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) end--;
                return end == 0 ? null : new String(line, 0, end, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            }
            if (line[i] == '\r' || line[i] == '\n') return null;
        }
        return null;
    }

    /**
     * RFC 3516 BINARY[section]: the part's content with its transfer encoding removed. Returns empty
     * if the encoding is unknown (IMAP answers [UNKNOWN-CTE]). Holds the decoded part in memory.
     */
    public static Optional<byte[]> decodedContent(SeekableByteChannel blob, MessageStructure.Part part) throws IOException {
        InputStream in = BlobRegion.decoding(new BlobRegion(blob, part.bodyStart(), part.end()), part.transferEncoding());
        if (in == null) return Optional.empty();
        try (in) {
            return Optional.of(in.readAllBytes());
        }
    }

    /**
     * The part's content with its transfer encoding removed, as a stream read from the blob (for
     * parts too large to hold); empty if the encoding is unknown. The caller closes it.
     */
    public static Optional<InputStream> decodedStream(SeekableByteChannel blob, MessageStructure.Part part) {
        return Optional.ofNullable(BlobRegion.decoding(new BlobRegion(blob, part.bodyStart(), part.end()), part.transferEncoding()));
    }

    /** RFC 3516 BINARY.SIZE[section]: the decoded length, counted without holding the content. */
    public static OptionalLong decodedSize(SeekableByteChannel blob, MessageStructure.Part part) throws IOException {
        InputStream in = BlobRegion.decoding(new BlobRegion(blob, part.bodyStart(), part.end()), part.transferEncoding());
        if (in == null) return OptionalLong.empty();
        try (in) {
            return OptionalLong.of(in.transferTo(java.io.OutputStream.nullOutputStream()));
        }
    }
}
