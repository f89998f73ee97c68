package dev.letterbox.milter;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a message's header section field by field (each field with its continuation lines, byte for
 * byte), then hands over the rest of the stream as the body. Both the filter conversation and
 * {@link HeaderEditor} read messages this way, so both agree on which field has which index.
 *
 * <p>The header section ends at the first empty line, or at the first line that is neither a field
 * nor a continuation (that line then belongs to the body, as in Postfix). Line ends may be CRLF or a
 * bare LF. One field may hold at most {@link #MAX_FIELD} bytes, so memory stays bounded whatever
 * the input.
 */
final class HeaderSectionReader {
    static final int MAX_FIELD = 1024 * 1024;

    /** One header field as it was written: name, colon, value, folded lines and the final line end. */
    record Field(byte[] raw) {
        int colon() {
            for (int i = 0; i < raw.length; i++) if (raw[i] == ':') return i;
            throw new IllegalStateException("field without colon");
        }

        /** The field name, without the colon or any space before it. */
        String name() {
            int end = colon();
            while (end > 0 && (raw[end - 1] == ' ' || raw[end - 1] == '\t')) end--;
            return new String(raw, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        /**
         * The value as milters expect it: folded lines joined by a bare LF (the Sendmail and Postfix
         * convention), no final line end, and unless {@code keepLeadingSpace} the one space after the
         * colon removed. At most {@code limit} bytes: a filter's packet buffer is finite, and a filter
         * that sees a shortened header still judges the message, where a refused packet would mean none.
         */
        byte[] valueForFilter(boolean keepLeadingSpace, int limit) {
            int start = colon() + 1;
            if (!keepLeadingSpace && start < raw.length && raw[start] == ' ') start++;
            int end = raw.length;
            if (end > start && raw[end - 1] == '\n') end--;
            if (end > start && raw[end - 1] == '\r') end--;
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(end - start, limit));
            for (int i = start; i < end && out.size() < limit; i++) {
                if (raw[i] == '\r' && i + 1 < end && raw[i + 1] == '\n') continue;
                out.write(raw[i]);
            }
            return out.toByteArray();
        }
    }

    private final BufferedInputStream in;
    private byte[] bodyStart = new byte[0];
    private boolean done;
    private boolean emptyLineSeen;

    HeaderSectionReader(InputStream message) {
        this.in = new BufferedInputStream(message, 16 * 1024);
    }

    /** The next field, or null once the header section has ended. */
    Field next() throws IOException {
        if (done) return null;
        byte[] line = readLine();
        if (line.length == 0) { // end of input: a message of header fields only
            done = true;
            return null;
        }
        if (isBlank(line) || !startsField(line)) {
            done = true;
            if (isBlank(line)) emptyLineSeen = true;
            else bodyStart = line;
            return null;
        }
        ByteArrayOutputStream field = new ByteArrayOutputStream(line.length + 64);
        field.writeBytes(line);
        while (endsWithNewline(line) && nextIsContinuation()) {
            line = readLine();
            if (field.size() + line.length > MAX_FIELD) {
                throw new IOException("header field longer than " + MAX_FIELD + " bytes");
            }
            field.writeBytes(line);
        }
        return new Field(field.toByteArray());
    }

    /**
     * The body, once {@link #next} has returned null: the line that ended the header section (when it
     * was not the empty line) followed by the rest of the stream.
     */
    InputStream body() {
        if (!done) throw new IllegalStateException("header section not read to its end");
        return new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(bodyStart), in);
    }

    /** True when the header section ended with an empty line (so a body, maybe empty, follows it). */
    boolean endedWithEmptyLine() {
        return emptyLineSeen;
    }

    private boolean nextIsContinuation() throws IOException {
        in.mark(1);
        int b = in.read();
        in.reset();
        return b == ' ' || b == '\t';
    }

    /** One line with its LF (or the last bytes before end of input); empty at end of input. */
    private byte[] readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            if (line.size() >= MAX_FIELD) throw new IOException("header line longer than " + MAX_FIELD + " bytes");
            line.write(b);
            if (b == '\n') break;
        }
        return line.toByteArray();
    }

    private static boolean endsWithNewline(byte[] line) {
        return line.length > 0 && line[line.length - 1] == '\n';
    }

    private static boolean isBlank(byte[] line) {
        return Arrays.equals(line, new byte[] {'\r', '\n'}) || Arrays.equals(line, new byte[] {'\n'});
    }

    /** RFC 5322 §3.6.8: a field name is one or more printable ASCII characters other than colon. */
    private static boolean startsField(byte[] line) {
        int i = 0;
        while (i < line.length && line[i] >= 33 && line[i] <= 126 && line[i] != ':') i++;
        int nameEnd = i;
        while (i < line.length && (line[i] == ' ' || line[i] == '\t')) i++; // obsolete: space before the colon
        return nameEnd > 0 && i < line.length && line[i] == ':';
    }
}
