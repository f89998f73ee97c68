package dev.letterbox.smtp.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.ZonedDateTime;

/**
 * Where the client's message bytes go on their way into a blob: the trace fields first, then the
 * client's bytes unchanged. On submission it first holds back the header section (up to
 * {@link #MAX_HEADER_SCAN} octets) to see whether Date and Message-ID are there, and prepends the
 * missing ones with the trace fields; a header too long to scan is passed on without additions.
 */
final class MessageSink extends OutputStream {
    static final int MAX_HEADER_SCAN = 256 * 1024;

    private final OutputStream target;
    private final byte[] prefix;
    private final String hostnameForMissing; // null: no header additions
    private ByteArrayOutputStream header; // non-null while the header is being held back
    private long messageBytes;

    /** @param hostnameForMissing the host for a generated Message-ID, or null to add nothing */
    MessageSink(OutputStream target, byte[] prefix, String hostnameForMissing) throws IOException {
        this.target = target;
        this.prefix = prefix;
        this.hostnameForMissing = hostnameForMissing;
        if (hostnameForMissing == null) {
            target.write(prefix);
        } else {
            header = new ByteArrayOutputStream(4096);
        }
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
        if (header == null) {
            target.write(b, off, len);
            return;
        }
        int before = header.size();
        header.write(b, off, len);
        int end = headerEnd(header.toByteArray(), Math.max(0, before - 3));
        if (end >= 0 || header.size() > MAX_HEADER_SCAN) release(end >= 0);
    }

    /** Ends the message: a header still held back (a message without a body) is written now. */
    void finish() throws IOException {
        if (header != null) release(true);
        target.flush();
    }

    /** Writes prefix, the missing fields (when the header was scanned whole), and the held-back bytes. */
    private void release(boolean scannedWhole) throws IOException {
        byte[] held = header.toByteArray();
        header = null;
        target.write(prefix);
        if (scannedWhole) {
            int end = headerEnd(held, 0);
            int limit = end < 0 ? held.length : end;
            ZonedDateTime now = ZonedDateTime.now();
            if (!hasField(held, limit, "date")) target.write(TraceHeaders.date(now));
            if (!hasField(held, limit, "message-id")) target.write(TraceHeaders.messageId(hostnameForMissing));
        }
        target.write(held);
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
