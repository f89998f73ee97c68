package dev.letterbox.message;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.List;

/** SEARCH support that reads the blob (never loads a large message whole into memory). */
public final class MessageSearch {
    private MessageSearch() {}

    /**
     * Decoded (RFC 2047, charset-converted) values of a header field of the top-level message, any
     * case of name; for SEARCH HEADER/FROM/SUBJECT...
     */
    public static List<String> headerValues(InputStream blob, MessageStructure s, String field) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * True when the decoded text of the body's text parts (transfer-decoded, charset-converted; HTML
     * tags may stay) contains needle, case-insensitively (RFC 3501 §6.4.4 substring, Unicode case folding).
     */
    public static boolean bodyContains(SeekableByteChannel blob, MessageStructure s, String needle) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** TEXT: header or body contains needle. */
    public static boolean textContains(SeekableByteChannel blob, MessageStructure s, String needle) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }
}
