package dev.letterbox.delivery;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes bare LF as CRLF and leaves CRLF alone, so messages from Unix files are stored in the
 * Internet form (RFC 5322 §2.1) that IMAP sizes and POP3 octet counts rely on.
 */
public final class CrlfNormalizingStream extends FilterOutputStream {
    private boolean lastWasCr;

    public CrlfNormalizingStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (b == '\n' && !lastWasCr) out.write('\r');
        out.write(b);
        lastWasCr = b == '\r';
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n' && !(i == off ? lastWasCr : b[i - 1] == '\r')) {
                out.write(b, start, i - start);
                out.write('\r');
                start = i;
            }
        }
        out.write(b, start, off + len - start);
        if (len > 0) lastWasCr = b[off + len - 1] == '\r';
    }
}
