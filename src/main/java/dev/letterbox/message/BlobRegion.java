package dev.letterbox.message;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Locale;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;

/**
 * A byte range of a blob as a buffered stream. Each read positions the channel itself, so a caller
 * may share the channel between regions; closing the stream leaves the channel open.
 */
final class BlobRegion extends InputStream {
    private final SeekableByteChannel channel;
    private long position;
    private final long end;
    private final ByteBuffer buf;

    BlobRegion(SeekableByteChannel channel, long start, long end) {
        this.channel = channel;
        this.position = start;
        this.end = Math.max(start, end);
        this.buf = ByteBuffer.allocate((int) Math.min(65536, Math.max(1, this.end - start)));
        buf.limit(0);
    }

    @Override
    public int read() throws IOException {
        if (!buf.hasRemaining() && !fill()) return -1;
        return buf.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (!buf.hasRemaining() && !fill()) return -1;
        int n = Math.min(len, buf.remaining());
        buf.get(b, off, n);
        return n;
    }

    private boolean fill() throws IOException {
        if (position >= end) return false;
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), end - position));
        channel.position(position);
        while (buf.hasRemaining()) {
            int n = channel.read(buf);
            if (n < 0) break;       // the blob is shorter than the structure says: end of data
            position += n;
        }
        buf.flip();
        if (!buf.hasRemaining()) {
            position = end;
            return false;
        }
        return true;
    }

    /**
     * The content of {@code in} with a Content-Transfer-Encoding removed (RFC 2045 §6): identity
     * encodings as they are, base64 and quoted-printable decoded leniently. Null for other encodings.
     */
    static InputStream decoding(InputStream in, String encoding) {
        return switch (encoding == null ? "7bit" : encoding.toLowerCase(Locale.ROOT)) {
            case "7bit", "8bit", "binary", "" -> in;
            case "base64" -> new Base64InputStream(in, DecodeMonitor.SILENT);
            case "quoted-printable" -> new QuotedPrintableInputStream(in, DecodeMonitor.SILENT);
            default -> null;
        };
    }
}
