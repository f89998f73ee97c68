package dev.letterbox.message;

import java.util.List;

/**
 * One entity of the part tree. Offsets are absolute in the blob: the entity's header runs from
 * {@code headerStart} to {@code bodyStart} (blank line included when there was one) and its body to
 * {@code end}, excluding the line break that belongs to a following boundary (RFC 2046 §5.1.1).
 * {@code lines} counts the LFs of the body. A MULTIPART has at least one child; a MESSAGE
 * (message/rfc822) has the embedded message's envelope and root entity, whose header starts at this
 * entity's body.
 */
record MimePart(Kind kind, long headerStart, long bodyStart, long end, long lines, ContentInfo content,
                List<MimePart> children, Envelope envelope, MimePart message) {

    enum Kind { LEAF, MULTIPART, MESSAGE }

    MimePart {
        children = List.copyOf(children);
    }

    static MimePart leaf(long headerStart, long bodyStart, long end, long lines, ContentInfo content) {
        return new MimePart(Kind.LEAF, headerStart, bodyStart, end, lines, content, List.of(), null, null);
    }

    long size() {
        return end - bodyStart;
    }
}
