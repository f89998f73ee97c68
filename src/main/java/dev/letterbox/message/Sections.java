package dev.letterbox.message;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Optional;

/** Section content for FETCH. */
public final class Sections {
    private Sections() {}

    /**
     * The header lines of the given byte range that match (or, with not=true, don't match) the field
     * names, in original order, followed by the blank line — RFC 3501 HEADER.FIELDS / HEADER.FIELDS.NOT.
     */
    public static byte[] headerFields(SeekableByteChannel blob, long headerStart, long headerEnd,
                                      List<String> fields, boolean not) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * RFC 3516 BINARY[section]: the part's content with its transfer encoding removed. Returns empty
     * if the encoding is unknown (IMAP answers [UNKNOWN-CTE]).
     */
    public static Optional<byte[]> decodedContent(SeekableByteChannel blob, MessageStructure.Part part) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }
}
