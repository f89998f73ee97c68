package dev.letterbox.archive;

import java.io.IOException;
import java.io.InputStream;

/**
 * Lines of an archive file as bytes, at most {@link #CHUNK} at a time: a longer line comes in several
 * pieces ({@link #complete} false for all but the last), so no line, however long, is held whole.
 * Counts the bytes consumed, for positions and progress.
 */
final class LineInput {
    static final int CHUNK = 64 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[CHUNK];
    final byte[] line = new byte[CHUNK];
    /** Bytes of the current piece in {@link #line}, with its LF when it has one. */
    int length;
    /** Whether the piece ends its line (with LF, or at the end of the file). */
    boolean complete;
    /** Whether the piece continues a line whose first piece came before. */
    boolean continuation;
    private int start, end;
    private long consumed;

    LineInput(InputStream in, long startOffset) {
        this.in = in;
        this.consumed = startOffset;
    }

    /** Reads the next piece; false at the end of the file. */
    boolean next() throws IOException {
        continuation = length > 0 && !complete;
        length = 0;
        complete = false;
        while (length < CHUNK) {
            if (start == end) {
                int n = in.read(buffer);
                if (n <= 0) {
                    complete = true; // a last line without LF
                    return length > 0;
                }
                start = 0;
                end = n;
            }
            byte b = buffer[start++];
            line[length++] = b;
            consumed++;
            if (b == '\n') {
                complete = true;
                return true;
            }
        }
        return true;
    }

    /** Whether the piece is a whole line and it is empty (LF or CRLF alone). */
    boolean isBlank() {
        return !continuation && complete && (length == 1 && line[0] == '\n' || length == 2 && line[0] == '\r' && line[1] == '\n');
    }

    /** Whether the piece starts a line with {@code prefix} (ASCII). */
    boolean startsWith(String prefix) {
        return !continuation && startsWith(0, prefix);
    }

    boolean startsWith(int at, String prefix) {
        if (length - at < prefix.length()) return false;
        for (int i = 0; i < prefix.length(); i++) if (line[at + i] != prefix.charAt(i)) return false;
        return true;
    }

    /** Whether the piece ends with LF (false for a last line cut off by the end of the file). */
    boolean endsWithNewline() {
        return length > 0 && line[length - 1] == '\n';
    }

    /** The piece as text (ISO-8859-1: bytes kept one to one), without its line end. */
    String text() {
        int n = length;
        if (n > 0 && line[n - 1] == '\n') n--;
        if (n > 0 && line[n - 1] == '\r') n--;
        return new String(line, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Bytes consumed from the file so far, from its start. */
    long offset() {
        return consumed;
    }
}
