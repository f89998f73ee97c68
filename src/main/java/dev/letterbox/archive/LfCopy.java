package dev.letterbox.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies a stored message (CRLF line ends) with LF line ends, as files on Unix keep mail. */
final class LfCopy {
    private LfCopy() {}

    /** Returns the bytes written. A CR not followed by LF is kept. */
    static long copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        byte[] converted = new byte[buffer.length + 1];
        long written = 0;
        boolean heldCr = false; // a CR at the end of a read: dropped only if LF follows
        for (int n; (n = in.read(buffer)) > 0; ) {
            int w = 0;
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (heldCr && b != '\n') converted[w++] = '\r';
                heldCr = b == '\r';
                if (!heldCr) converted[w++] = b;
            }
            out.write(converted, 0, w);
            written += w;
        }
        if (heldCr) {
            out.write('\r');
            written++;
        }
        return written;
    }
}
