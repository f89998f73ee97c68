package dev.letterbox.message;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Makes a message that holds NUL octets storable as IMAP can send it back. A client may APPEND
 * binary content as a literal8 (RFC 3516 §4.4), but BODY[] answers with ordinary literals, which
 * cannot carry NUL (RFC 3501 §4.3 CHAR8; RFC 3516 §6: BODY must answer in the form BODYSTRUCTURE
 * describes, an encoding the base specification accepts). RFC 3516 §4.4 lets the server change
 * the transfer encoding of appended data as long as nothing is lost, so each MIME part whose content
 * holds a NUL is rewritten as base64 of its decoded content, with its Content-Transfer-Encoding
 * field replaced; everything else is copied octet for octet (§6: no gratuitous changes).
 *
 * <p>A NUL anywhere else — in a header, a boundary line, a multipart's preamble or epilogue — or in
 * a part whose transfer encoding cannot be decoded has no lossless rewriting: {@link #rewrite}
 * reports that instead of writing a message.
 */
public final class NulPartEncoder {
    /** Base64 lines of 76 characters, as RFC 2045 §6.8 allows at most. */
    private static final int LINE = 76;

    private NulPartEncoder() {}

    /** Why a message cannot be made free of NUL without losing something. */
    public static final class Unencodable extends Exception {
        Unencodable(String message) {
            super(message, null, false, false);
        }
    }

    /** True when the stream holds a NUL octet; reads it to the first one or the end, does not close it. */
    public static boolean containsNul(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) >= 0; ) {
            for (int i = 0; i < n; i++) if (buf[i] == 0) return true;
        }
        return false;
    }

    /**
     * Writes the message in {@code blob} (parsed as {@code structure}) to {@code out} with every leaf
     * part whose content holds a NUL re-encoded as base64. Throws {@link Unencodable} (having written
     * part of it) when a NUL lies outside any part's content or in a part it cannot decode.
     */
    public static void rewrite(SeekableByteChannel blob, MessageStructure structure, OutputStream out)
            throws IOException, Unencodable {
        List<MimePart> leaves = new ArrayList<>();
        collectLeaves(structure.root(), leaves);
        long at = 0;
        for (MimePart leaf : leaves) {
            if (!regionHasNul(blob, leaf.bodyStart(), leaf.end())) continue;
            copyWithoutNul(blob, at, leaf.headerStart(), out);
            encodePart(blob, leaf, out);
            at = leaf.end();
        }
        copyWithoutNul(blob, at, structure.size(), out);
    }

    /** The leaf parts in the order they appear, those of embedded messages included. */
    private static void collectLeaves(MimePart p, List<MimePart> out) {
        switch (p.kind()) {
            case LEAF -> out.add(p);
            case MULTIPART -> p.children().forEach(c -> collectLeaves(c, out));
            case MESSAGE -> collectLeaves(p.message(), out);
        }
    }

    /** The part's header without Content-Transfer-Encoding, then "base64", then its content in base64. */
    private static void encodePart(SeekableByteChannel blob, MimePart leaf, OutputStream out) throws IOException, Unencodable {
        byte[] header = Sections.headerFields(blob, leaf.headerStart(), leaf.bodyStart(),
                List.of("Content-Transfer-Encoding"), true);
        for (byte b : header) if (b == 0) throw new Unencodable("a NUL octet in a header");
        // the header ends with its blank line, in the header's own line ending
        boolean crlf = header.length >= 2 && header[header.length - 2] == '\r';
        String eol = crlf ? "\r\n" : "\n";
        out.write(header, 0, header.length - eol.length());
        out.write(("Content-Transfer-Encoding: base64" + eol + eol).getBytes(StandardCharsets.US_ASCII));
        InputStream decoded = BlobRegion.decoding(new BlobRegion(blob, leaf.bodyStart(), leaf.end()), leaf.content().encodingLower());
        if (decoded == null) throw new Unencodable("a NUL octet in a part whose transfer encoding is unknown");
        try (decoded; OutputStream base64 = Base64.getMimeEncoder(LINE, eol.getBytes(StandardCharsets.US_ASCII))
                .wrap(new KeepOpen(out))) {
            decoded.transferTo(base64);
        }
    }

    private static boolean regionHasNul(SeekableByteChannel blob, long start, long end) throws IOException {
        try (InputStream in = new BlobRegion(blob, start, end)) {
            return containsNul(in);
        }
    }

    private static void copyWithoutNul(SeekableByteChannel blob, long start, long end, OutputStream out)
            throws IOException, Unencodable {
        try (InputStream in = new BlobRegion(blob, start, end)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == 0) throw new Unencodable("a NUL octet outside the content of a MIME part");
                }
                out.write(buf, 0, n);
            }
        }
    }

    /** Lets the base64 encoder finish its last line on close without closing the message's stream. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
