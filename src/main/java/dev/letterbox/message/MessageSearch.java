package dev.letterbox.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.util.CharsetUtil;

/**
 * SEARCH support that reads the blob through the structure's offsets: headers are decoded (RFC 2047
 * encoded-words, 8-bit octets as UTF-8 or ISO-8859-1), text parts are transfer-decoded and
 * charset-converted while streaming, so a message is never loaded whole; non-text parts (attachments)
 * are not read at all.
 */
public final class MessageSearch {
    /** Header octets read for a search; a header larger than this is searched in its first part. */
    private static final int MAX_HEADER = MimeTreeBuilder.MAX_HEADER_BYTES;

    private MessageSearch() {}

    /**
     * Decoded (RFC 2047, charset-converted) values of every occurrence of a header field of the
     * top-level message, any case of name, in order; for SEARCH HEADER/FROM/TO/CC/BCC/SUBJECT.
     * {@code blob} is read from its start (the header) and not closed.
     */
    public static List<String> headerValues(InputStream blob, MessageStructure s, String field) throws IOException {
        HeaderBlock h = readHeader(blob, s.root().bodyStart());
        List<String> out = new ArrayList<>();
        for (String v : h.all(field.toLowerCase(Locale.ROOT))) out.add(HeaderBlock.decodeWords(v));
        return out;
    }

    /**
     * True when the decoded text of the message's text parts (transfer-decoded, charset-converted;
     * HTML tags stay) or the headers of embedded messages contain {@code needle} (RFC 3501 §6.4.4
     * BODY: substring, case-insensitive as {@link FoldedMatcher} folds).
     */
    public static boolean bodyContains(SeekableByteChannel blob, MessageStructure s, String needle) throws IOException {
        FoldedMatcher matcher = new FoldedMatcher(needle);
        if (matcher.found()) return true;
        return searchBody(blob, s.root(), matcher);
    }

    /** RFC 3501 §6.4.4 TEXT: the header or the body contains {@code needle}. */
    public static boolean textContains(SeekableByteChannel blob, MessageStructure s, String needle) throws IOException {
        FoldedMatcher matcher = new FoldedMatcher(needle);
        if (matcher.found()) return true;
        if (headerContains(blob, s.root(), matcher)) return true;
        return searchBody(blob, s.root(), matcher);
    }

    /** Searches the body of an entity whose header belongs to a message (top-level or embedded). */
    private static boolean searchBody(SeekableByteChannel blob, MimePart entity, FoldedMatcher matcher) throws IOException {
        switch (entity.kind()) {
            case MULTIPART -> {
                for (MimePart child : entity.children()) {
                    if (searchBody(blob, child, matcher)) return true;
                }
                return false;
            }
            case MESSAGE -> {
                MimePart embedded = entity.message();
                return headerContains(blob, embedded, matcher) || searchBody(blob, embedded, matcher);
            }
            default -> {
                return entity.content().isType("text") && textPartContains(blob, entity, matcher);
            }
        }
    }

    private static boolean headerContains(SeekableByteChannel blob, MimePart entity, FoldedMatcher matcher) throws IOException {
        HeaderBlock h;
        try (InputStream in = new BlobRegion(blob, entity.headerStart(), entity.bodyStart())) {
            h = readHeader(in, entity.bodyStart() - entity.headerStart());
        }
        for (int i = 0; i < h.size(); i++) {
            matcher.reset();
            if (matcher.feed(h.name(i) + ": " + HeaderBlock.decodeWords(h.valueText(i)))) return true;
        }
        matcher.reset();
        return false;
    }

    private static boolean textPartContains(SeekableByteChannel blob, MimePart part, FoldedMatcher matcher) throws IOException {
        matcher.reset();
        ContentInfo c = part.content();
        InputStream raw = new BlobRegion(blob, part.bodyStart(), part.end());
        InputStream decoded = BlobRegion.decoding(raw, c.encoding());
        if (decoded == null) decoded = raw;       // unknown encoding: search what is there
        try (Reader reader = new InputStreamReader(decoded, charset(c.param("charset")).newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE))) {
            char[] buf = new char[8192];
            int n;
            while ((n = reader.read(buf)) > 0) {
                if (matcher.feed(java.nio.CharBuffer.wrap(buf, 0, n))) return true;
            }
        }
        return false;
    }

    /** The named charset, or UTF-8 when absent or unknown (us-ascii text reads the same in UTF-8). */
    static Charset charset(String name) {
        if (name == null || name.isBlank()) return StandardCharsets.UTF_8;
        Charset cs = CharsetUtil.lookup(name.trim());
        if (cs == null || cs.equals(StandardCharsets.US_ASCII)) return StandardCharsets.UTF_8;
        return cs;
    }

    private static HeaderBlock readHeader(InputStream in, long length) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(length, MAX_HEADER));
        return HeaderBlock.parse(bytes, bytes.length);
    }
}
