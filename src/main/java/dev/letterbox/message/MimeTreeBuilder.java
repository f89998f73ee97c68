package dev.letterbox.message;

import dev.letterbox.message.MimePart.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One pass over a message, line by line, building the {@link MimePart} tree with absolute offsets.
 * Memory is bounded whatever the input: headers are kept up to {@link #MAX_HEADER_BYTES} per entity,
 * body lines only as far as a boundary can reach, nesting stops at {@link #MAX_DEPTH} and the tree at
 * {@link #MAX_PARTS} entities (deeper or further content stays inside its enclosing part).
 *
 * <p>Broken MIME degrades instead of failing: a multipart without a usable boundary is one text/plain
 * part; a missing close delimiter ends the multipart at the end of its enclosing body; a boundary of an
 * enclosing multipart also ends the inner ones (RFC 2046 §5.1.2); a multipart in which no delimiter
 * appears gets one empty text/plain child (BODYSTRUCTURE needs at least one); a message/rfc822 part
 * with a base64 or quoted-printable encoding (not allowed by RFC 2046 §5.2.1) is an empty message.
 */
final class MimeTreeBuilder {
    static final int MAX_DEPTH = 50;
    static final int MAX_PARTS = 5000;
    static final int MAX_HEADER_BYTES = 256 * 1024;
    /** Boundaries are at most 70 characters (RFC 2046 §5.1.1); keep room for long broken ones and padding. */
    private static final int BODY_KEEP = 1024;

    private final LineReader lines;
    private final List<byte[]> delimiters = new ArrayList<>();   // "--" + boundary, outermost first
    private int partCount;
    private HeaderBlock rootHeader;
    private byte[] headerBuf = new byte[8192];

    // How the last entity ended: at end of input (stopLevel -1) or at the delimiter line of
    // delimiters[stopLevel], which is the reader's current line.
    private int stopLevel;
    private boolean stopClose;

    private MimeTreeBuilder(InputStream in) {
        this.lines = new LineReader(in);
    }

    /** The parsed tree, the top-level header and the message size. */
    record Result(MimePart root, HeaderBlock header, long size) {}

    static Result build(InputStream in) throws IOException {
        MimeTreeBuilder b = new MimeTreeBuilder(in);
        MimePart root = b.entity(0, 0, false, true);
        // A root always ends at end of input: there are no delimiters above it.
        return new Result(root, b.rootHeader, b.lines.offset());
    }

    /** Reads one entity whose header starts at {@code headerStart}; sets the stop state. */
    private MimePart entity(long headerStart, int depth, boolean inDigest, boolean isMessage) throws IOException {
        partCount++;
        int headerLength = 0;
        long bodyStart = -1;
        boolean bodyless = false;   // the header ran into a delimiter or the end of input
        while (true) {
            int room = MAX_HEADER_BYTES - headerLength;
            if (!lines.next(Math.max(room, BODY_KEEP))) {
                bodyStart = lines.offset();
                stopLevel = -1;
                bodyless = true;
                break;
            }
            if (lines.isBlank()) {
                bodyStart = lines.lineEnd();
                break;
            }
            if (matchDelimiter()) {
                // The line break before the delimiter belongs to it, not to this header.
                bodyStart = Math.max(headerStart, lines.lineStart() - lines.previousTerminator());
                bodyless = true;
                break;
            }
            int take = Math.min(room, lines.keptLength());
            if (take > 0) {
                if (headerLength + take > headerBuf.length) {
                    headerBuf = Arrays.copyOf(headerBuf, Math.min(MAX_HEADER_BYTES, Math.max(headerBuf.length * 2, headerLength + take)));
                }
                System.arraycopy(lines.kept(), 0, headerBuf, headerLength, take);
                headerLength += take;
            }
        }
        HeaderBlock header = HeaderBlock.parse(Arrays.copyOf(headerBuf, headerLength), headerLength);
        if (rootHeader == null) rootHeader = header;
        ContentInfo content = ContentFields.parse(header, inDigest);
        Envelope envelope = isMessage ? Envelope.of(header) : null;
        long lfAtBody = lines.lfCount();

        boolean deepEnough = depth >= MAX_DEPTH;
        if (content.isType("multipart")) {
            byte[] boundary = ContentFields.boundary(header);
            if (boundary == null) {
                content = content.withType("text", "plain", List.of());
            } else if (deepEnough) {
                content = content.withType("application", "octet-stream", List.of());
            } else {
                return multipart(headerStart, bodyStart, bodyless, lfAtBody, depth, content, boundary, envelope);
            }
        } else if (content.is("message", "rfc822")) {
            if (deepEnough) {
                content = content.withType("application", "octet-stream", List.of());
            } else {
                return message(headerStart, bodyStart, bodyless, lfAtBody, depth, content, envelope);
            }
        }
        if (!bodyless) skipBody();
        return new MimePart(Kind.LEAF, headerStart, bodyStart, endOfBody(bodyStart), linesOfBody(lfAtBody, bodyless),
                content, List.of(), envelope, null);
    }

    private MimePart multipart(long headerStart, long bodyStart, boolean bodyless, long lfAtBody, int depth,
                               ContentInfo content, byte[] boundary, Envelope envelope) throws IOException {
        List<MimePart> children = new ArrayList<>();
        if (!bodyless) {
            byte[] delimiter = new byte[boundary.length + 2];
            delimiter[0] = '-';
            delimiter[1] = '-';
            System.arraycopy(boundary, 0, delimiter, 2, boundary.length);
            delimiters.add(delimiter);
            int level = delimiters.size() - 1;
            boolean inDigest = content.subtype().equalsIgnoreCase("digest");
            boolean epilogue = false;
            while (true) {
                if (!lines.next(BODY_KEEP)) {
                    stopLevel = -1;
                    break;
                }
                if (!matchDelimiter()) continue;
                if (stopLevel < level) break;                  // an enclosing multipart's delimiter
                if (epilogue) continue;                        // our delimiter after our close: content
                if (stopClose) {
                    epilogue = true;
                    continue;
                }
                // Parts follow one another: each ends at the next delimiter line, which starts the next.
                while (partCount < MAX_PARTS) {
                    children.add(entity(lines.lineEnd(), depth + 1, inDigest, false));
                    if (stopLevel != level || stopClose) break;
                }
                if (stopLevel < level) break;
                if (stopLevel == level) epilogue = true;       // closed, or out of parts: the rest is epilogue
            }
            delimiters.remove(level);
        }
        long end = endOfBody(bodyStart);
        if (children.isEmpty()) children.add(MimePart.leaf(end, end, end, 0, ContentInfo.EMPTY_TEXT));
        return new MimePart(Kind.MULTIPART, headerStart, bodyStart, end, linesOfBody(lfAtBody, bodyless), content,
                children, envelope, null);
    }

    private MimePart message(long headerStart, long bodyStart, boolean bodyless, long lfAtBody, int depth,
                             ContentInfo content, Envelope envelope) throws IOException {
        MimePart embedded;
        if (bodyless || !content.identityEncoding()) {
            // The embedded message cannot be read as it is stored: an empty message stands for it.
            if (!bodyless) skipBody();
            long end = endOfBody(bodyStart);
            embedded = new MimePart(Kind.LEAF, end, end, end, 0, ContentInfo.EMPTY_TEXT, List.of(), Envelope.EMPTY, null);
        } else {
            embedded = entity(bodyStart, depth + 1, false, true);
        }
        return new MimePart(Kind.MESSAGE, headerStart, bodyStart, endOfBody(bodyStart), linesOfBody(lfAtBody, bodyless),
                content, List.of(), envelope, embedded);
    }

    /** Reads body lines up to a delimiter of an enclosing multipart or the end of input. */
    private void skipBody() throws IOException {
        while (lines.next(BODY_KEEP)) {
            if (matchDelimiter()) return;
        }
        stopLevel = -1;
    }

    /** Where the body that just stopped ends: the line break before a delimiter belongs to it. */
    private long endOfBody(long bodyStart) {
        if (stopLevel < 0) return Math.max(bodyStart, lines.offset());
        return Math.max(bodyStart, lines.lineStart() - lines.previousTerminator());
    }

    private long linesOfBody(long lfAtBody, boolean bodyless) {
        if (bodyless && stopLevel >= 0) return 0;
        if (stopLevel < 0) return lines.lfCount() - lfAtBody;
        return Math.max(0, lines.lfBeforeLine() - lfAtBody - 1);
    }

    /**
     * True when the current line is a delimiter ("--boundary" then only white space) or close
     * delimiter ("--boundary--") of an active multipart, innermost first; sets the stop state.
     */
    private boolean matchDelimiter() {
        int n = lines.keptLength();
        byte[] line = lines.kept();
        if (delimiters.isEmpty() || n < 2 || line[0] != '-' || line[1] != '-') return false;
        long content = lines.contentLength();
        int visible = (int) Math.min(n, content);
        for (int level = delimiters.size() - 1; level >= 0; level--) {
            byte[] d = delimiters.get(level);
            if (visible < d.length || !Arrays.equals(line, 0, d.length, d, 0, d.length)) continue;
            if (visible >= d.length + 2 && line[d.length] == '-' && line[d.length + 1] == '-') {
                stopLevel = level;
                stopClose = true;
                return true;
            }
            if (content > n) continue;      // too long to be padding only
            boolean padding = true;
            for (int i = d.length; i < visible; i++) {
                if (line[i] != ' ' && line[i] != '\t') {
                    padding = false;
                    break;
                }
            }
            if (padding) {
                stopLevel = level;
                stopClose = false;
                return true;
            }
        }
        return false;
    }
}
