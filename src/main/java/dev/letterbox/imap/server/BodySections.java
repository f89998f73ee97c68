package dev.letterbox.imap.server;

import dev.letterbox.imap.FetchAttr;
import dev.letterbox.imap.FetchAttr.Section;
import dev.letterbox.message.BinaryForm;
import dev.letterbox.message.MessageStructure;
import dev.letterbox.message.Sections;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a body section names (RFC 3501 §6.4.5, RFC 9051 §6.4.5): a byte range of the blob, bytes
 * built from it (HEADER.FIELDS, decoded BINARY), or Nil for a part that does not exist (written
 * as an empty literal).
 */
final class BodySections {
    private BodySections() {}

    sealed interface Content {
        record Nil() implements Content {}

        record Bytes(byte[] data) implements Content {}

        /** {@code length} octets of the blob from {@code start}. */
        record Range(long start, long length) implements Content {}

        /**
         * {@code length} octets from {@code offset} of a part's decoded content (or binary form),
         * decoded again from the blob while it is written: a large attachment is never held in memory.
         * {@code hasNul}: the decoded octets contain a NUL (BINARY answers them as a literal8).
         */
        record Decoded(DecodedSource source, long offset, long length, boolean hasNul) implements Content {
            /** The decoded octets from {@code offset} on (the caller reads {@code length} of them); the caller closes it. */
            InputStream open(SeekableByteChannel blob) throws IOException {
                InputStream in = source.open(blob);
                in.skipNBytes(offset);
                return in;
            }
        }

        /** Decodes the same octets from the blob each time it is opened. */
        interface DecodedSource {
            InputStream open(SeekableByteChannel blob) throws IOException;
        }
    }

    /** Decoded parts up to this size are decoded once into memory; larger ones are streamed twice. */
    static final long IN_MEMORY_DECODE = 1 << 20;

    static final Content NIL = new Content.Nil();

    static Content of(Section section, MessageStructure structure, long size, SeekableByteChannel blob) throws IOException {
        if (section.part().length == 0 && section.kind() == Section.Kind.ALL) return new Content.Range(0, size);
        // the whole message is part [] and, like a message/rfc822 part, has a header and text of its own
        Optional<MessageStructure.Part> found = structure.part(section.part());
        if (found.isEmpty()) return NIL;
        MessageStructure.Part p = found.get();
        return switch (section.kind()) {
            case ALL -> new Content.Range(p.bodyStart(), p.end() - p.bodyStart());
            case MIME -> new Content.Range(p.headerStart(), p.bodyStart() - p.headerStart());
            case HEADER, TEXT, HEADER_FIELDS, HEADER_FIELDS_NOT -> p.isMessageRfc822()
                    ? headerPart(section, p.embeddedHeaderStart(), p.embeddedBodyStart(), p.end(), blob)
                    : NIL; // only a message/rfc822 part has a header and text of its own
        };
    }

    /** HEADER, TEXT and HEADER.FIELDS(.NOT) of a message whose header is [start, bodyStart) and body ends at end. */
    private static Content headerPart(Section section, long start, long bodyStart, long end, SeekableByteChannel blob)
            throws IOException {
        return switch (section.kind()) {
            case HEADER -> new Content.Range(start, bodyStart - start);
            case TEXT -> new Content.Range(bodyStart, end - bodyStart);
            case HEADER_FIELDS -> new Content.Bytes(Sections.headerFields(blob, start, bodyStart, section.fields(), false));
            case HEADER_FIELDS_NOT -> new Content.Bytes(Sections.headerFields(blob, start, bodyStart, section.fields(), true));
            case ALL, MIME -> throw new IllegalStateException(section.kind().name());
        };
    }

    /**
     * RFC 3516 BINARY[part]: the part's content with its transfer encoding undone. Empty when the
     * encoding is unknown ([UNKNOWN-CTE]). BINARY[] and BINARY of a multipart or message/rfc822 part
     * are their {@link BinaryForm}: every leaf inside decoded, as Dovecot answers.
     */
    static Optional<Content> binary(int[] part, MessageStructure structure, long size, SeekableByteChannel blob) throws IOException {
        Optional<MessageStructure.Part> found = structure.part(part);
        if (found.isEmpty()) return Optional.of(NIL);
        MessageStructure.Part p = found.get();
        if (part.length == 0 || p.mediaType().equals("multipart") || p.isMessageRfc822()) {
            Optional<BinaryForm> form = BinaryForm.of(structure, part, blob);
            if (form.isEmpty()) return Optional.empty();
            BinaryForm f = form.get();
            return Optional.of(f.converts()
                    ? new Content.Decoded(f::open, 0, f.length(), f.hasNul())
                    : new Content.Range(p.bodyStart(), p.end() - p.bodyStart())); // nothing to undo: the stored octets
        }
        if (p.end() - p.bodyStart() <= IN_MEMORY_DECODE) return Sections.decodedContent(blob, p).map(Content.Bytes::new);
        Optional<InputStream> decoded = Sections.decodedStream(blob, p);
        if (decoded.isEmpty()) return Optional.empty();
        long length = 0;
        boolean nul = false;
        try (InputStream in = decoded.get()) { // first pass: the literal's size must come before its bytes
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; length += n) {
                for (int i = 0; i < n && !nul; i++) nul = buf[i] == 0;
            }
        }
        return Optional.of(new Content.Decoded(b -> Sections.decodedStream(b, p).orElseThrow(), 0, length, nul));
    }

    /** Applies {@code <offset.length>} (RFC 3501 §6.4.5): an offset past the end gives "". */
    static Content partial(Content c, FetchAttr.Partial partial) {
        if (partial == null) return c;
        return switch (c) {
            case Content.Nil n -> n;
            case Content.Range r -> {
                long start = Math.min(partial.offset(), r.length());
                yield new Content.Range(r.start() + start, Math.min(partial.length(), r.length() - start));
            }
            case Content.Decoded d -> {
                long start = Math.min(partial.offset(), d.length());
                yield new Content.Decoded(d.source(), d.offset() + start, Math.min(partial.length(), d.length() - start), d.hasNul());
            }
            case Content.Bytes b -> {
                int start = (int) Math.min(partial.offset(), b.data().length);
                int end = (int) Math.min(b.data().length, start + Math.min(partial.length(), Integer.MAX_VALUE));
                yield new Content.Bytes(Arrays.copyOfRange(b.data(), start, end));
            }
        };
    }
}
