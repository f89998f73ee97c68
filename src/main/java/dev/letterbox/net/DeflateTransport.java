package dev.letterbox.net;

import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw DEFLATE (RFC 1951, no zlib header) both ways above plaintext or TLS, as IMAP COMPRESS=DEFLATE
 * (RFC 4978) wants. Every {@link #flush()} ends with a SYNC_FLUSH so the peer can decode all of it.
 *
 * <p>Memory: zlib keeps its state off the Java heap, about 40 KiB to inflate and 256 KiB to deflate
 * (the JDK fixes window and memory level). The inflater must live as long as the connection: the
 * client may refer back to anything it sent. The deflater need not: every flush ends in a
 * SYNC_FLUSH on a byte boundary and no final block is ever sent, so the next burst can start from
 * a fresh deflater and the client's inflater simply reads on. Ending it at each flush gives up
 * back-references between responses (a little ratio) so an idle connection does not pin 256 KiB of
 * native memory. On the heap, the compressed input buffer is small while idle and the output
 * buffer exists only during a burst. Inflated output always goes into the caller's array, so a
 * compression bomb costs reads, not memory.
 */
final class DeflateTransport implements Transport {
    private static final int IDLE_INPUT = 256;
    private static final int BULK_INPUT = 16 * 1024;
    private static final int OUTPUT_CHUNK = 16 * 1024;

    private final Transport lower;
    private final Inflater inflater = new Inflater(true);
    /** Exists only during a burst of writes (see the class comment). Write lock. */
    private Deflater deflater;
    /** Compressed bytes handed to the inflater; it may still point into them. Reader only. */
    private byte[] compressedIn;
    private boolean inputEnded;
    /** Compressed output during a burst of writes; null between bursts. Write lock. */
    private byte[] compressedOut;

    /**
     * @param early compressed bytes that arrived together with the command that turned compression on
     */
    DeflateTransport(Transport lower, byte[] early) {
        this.lower = lower;
        if (early.length > 0) {
            compressedIn = early;
            inflater.setInput(early);
        }
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        for (int stalls = 0; ; ) {
            int n;
            try {
                n = inflater.inflate(dst, off, len);
            } catch (DataFormatException e) {
                throw new IOException("invalid DEFLATE data from client: " + e.getMessage(), e);
            }
            if (n > 0) {
                return n;
            }
            if (inflater.finished() || inputEnded) {
                return -1; // a final DEFLATE block ends the stream, as does the end of the transport
            }
            if (inflater.needsDictionary()) {
                throw new IOException("DEFLATE data asks for a preset dictionary");
            }
            if (inflater.needsInput()) {
                readCompressed();
            } else if (++stalls > 3) {
                throw new IOException("DEFLATE stream from client makes no progress");
            }
        }
    }

    /** Refills the inflater from below, sizing the buffer by how much has arrived. */
    private void readCompressed() throws IOException {
        int size = lower.pending() > IDLE_INPUT ? BULK_INPUT : IDLE_INPUT;
        if (compressedIn == null || compressedIn.length != size) {
            compressedIn = new byte[size];
        }
        int n = lower.read(compressedIn, 0, compressedIn.length);
        if (n < 0) {
            inputEnded = true;
            return;
        }
        inflater.setInput(compressedIn, 0, n);
    }

    @Override
    public int buffered() {
        // zlib may hold output it could not place yet, or unconsumed input; either way a read won't wait
        return inflater.needsInput() ? lower.buffered() : 1;
    }

    @Override
    public int pending() {
        return (inflater.needsInput() ? 0 : inflater.getRemaining() + 1) + lower.pending();
    }

    @Override
    public void write(byte[] src, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        }
        deflater.setInput(src, off, len);
        // drain now: the deflater keeps a reference to src, which the caller is free to reuse
        while (!deflater.needsInput()) {
            deflateInto(Deflater.NO_FLUSH);
        }
    }

    @Override
    public void flush() throws IOException {
        if (deflater != null) {
            // SYNC_FLUSH output fills the chunk exactly when more may follow; a short chunk ends it
            while (deflateInto(Deflater.SYNC_FLUSH) == OUTPUT_CHUNK) {
                // keep going
            }
            deflater.end();
            deflater = null;
            compressedOut = null;
        }
        lower.flush();
    }

    private int deflateInto(int flushMode) throws IOException {
        if (compressedOut == null) {
            compressedOut = new byte[OUTPUT_CHUNK];
        }
        int n = deflater.deflate(compressedOut, 0, compressedOut.length, flushMode);
        if (n > 0) {
            lower.write(compressedOut, 0, n);
        }
        return n;
    }

    @Override
    public int heldBufferBytes() {
        byte[] in = compressedIn;
        byte[] out = compressedOut;
        return (in == null ? 0 : in.length) + (out == null ? 0 : out.length) + lower.heldBufferBytes();
    }

    @Override
    public void closeOutbound() {
        lower.closeOutbound();
    }

    @Override
    public void release() {
        inflater.end();
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
        lower.release();
    }
}
