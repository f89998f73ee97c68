package dev.letterbox.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.ZonedDateTime;
import java.util.function.BiConsumer;

/**
 * Finds the end of the message's header section while the bytes pass through. The header (up to
 * {@link #MAX_HEADER_SCAN} octets) is held back until its end is seen, so that on submission a
 * missing Date and Message-ID can be put in front of it, and so that the checks get the whole
 * header section before the body. A header too long to scan is passed on as it is, without
 * additions; the checks then see a truncated header.
 *
 * <p>What goes downstream is exactly what will be stored after the trace fields: the additions,
 * then the client's bytes unchanged — except for fields the client may not set, which are left out
 * (an Authentication-Results field claiming to be ours, RFC 8601 §5).
 */
final class HeaderSection extends OutputStream {
    static final int MAX_HEADER_SCAN = 256 * 1024;

    private final OutputStream target;
    private final String hostnameForMissing; // null: no header additions
    private final BiConsumer<byte[], Integer> headerSeen;
    /** Header fields the client may not set (null: keep all), see {@link HeaderFields#without}. */
    private final java.util.function.BiPredicate<String, String> dropField;
    private ByteArrayOutputStream held = new ByteArrayOutputStream(4096); // null once released
    private long messageBytes;
    private static final byte[] END_OF_HEADER = {'\r', '\n', '\r', '\n'};
    /** How much of {@link #END_OF_HEADER} the bytes so far end with. */
    private int matched = 2;

    /**
     * @param hostnameForMissing the host for a generated Message-ID, or null to add nothing
     * @param dropField  given a field's name and unfolded value, true to leave the field out; or null
     * @param headerSeen told once, before any byte goes downstream, of the bytes held (additions
     *                   included) and where in them the header section ends (-1 when it was too long)
     */
    HeaderSection(OutputStream target, String hostnameForMissing, java.util.function.BiPredicate<String, String> dropField,
                  BiConsumer<byte[], Integer> headerSeen) {
        this.target = target;
        this.hostnameForMissing = hostnameForMissing;
        this.dropField = dropField;
        this.headerSeen = headerSeen;
    }

    /** Octets of the client's message written so far (without what Letterbox adds). */
    long messageBytes() {
        return messageBytes;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        messageBytes += len;
        if (held == null) {
            target.write(b, off, len);
            return;
        }
        held.write(b, off, len);
        boolean ended = scanForEnd(b, off, len);
        if (ended || held.size() > MAX_HEADER_SCAN) release(held.toByteArray(), ended);
    }

    /**
     * Feeds new bytes to a matcher of CRLF CRLF (the empty line ending the header section), so each
     * byte is looked at once however the message is chunked. It starts as if a CRLF had just been
     * seen: a message that begins with CRLF has no header fields at all.
     */
    private boolean scanForEnd(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == END_OF_HEADER[matched]) {
                if (++matched == END_OF_HEADER.length) return true;
            } else {
                matched = c == '\r' ? 1 : 0;
            }
        }
        return false;
    }

    /** Ends the message: a header still held back (a message without a body) is released now. */
    void finish() throws IOException {
        if (held != null) release(held.toByteArray(), true);
        target.flush();
    }

    /**
     * Tells {@code headerSeen}, then writes the missing fields (when the header was scanned whole),
     * and the held-back bytes without the fields {@code dropField} names.
     */
    private void release(byte[] bytes, boolean scannedWhole) throws IOException {
        held = null;
        int end = scannedWhole ? headerEnd(bytes, 0) : -1;
        if (end >= 0 && dropField != null) {
            byte[] kept = HeaderFields.without(bytes, end, dropField);
            end -= bytes.length - kept.length;
            bytes = kept;
        }
        int limit = end < 0 ? bytes.length : end;
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 128);
        if (scannedWhole && hostnameForMissing != null) {
            if (!hasField(bytes, limit, "date")) out.write(TraceFields.date(ZonedDateTime.now()));
            if (!hasField(bytes, limit, "message-id")) out.write(TraceFields.messageId(hostnameForMissing));
        }
        int added = out.size();
        out.write(bytes);
        byte[] all = out.toByteArray();
        headerSeen.accept(all, end < 0 ? -1 : added + end);
        target.write(all);
    }

    /** Index just past the empty line ending the header section, or -1 if not seen yet. */
    static int headerEnd(byte[] b, int from) {
        if (b.length >= 2 && b[0] == '\r' && b[1] == '\n') return 2; // no header fields at all
        for (int i = from; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') return i + 4;
        }
        return -1;
    }

    /** True when a field named {@code name} (case-insensitive, RFC 5322 §2.2) starts a line before {@code limit}. */
    static boolean hasField(byte[] b, int limit, String name) {
        int lineStart = 0;
        while (lineStart < limit) {
            int i = lineStart, j = 0;
            while (j < name.length() && i < limit && Character.toLowerCase((char) b[i]) == name.charAt(j)) {
                i++;
                j++;
            }
            if (j == name.length()) {
                while (i < limit && (b[i] == ' ' || b[i] == '\t')) i++; // obsolete WSP before the colon
                if (i < limit && b[i] == ':') return true;
            }
            int lf = lineStart;
            while (lf < limit && b[lf] != '\n') lf++;
            lineStart = lf + 1;
        }
        return false;
    }
}
