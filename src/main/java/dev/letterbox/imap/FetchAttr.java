package dev.letterbox.imap;

import java.util.Arrays;
import java.util.List;

/**
 * One FETCH data item (RFC 3501 §6.4.5, RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ, RFC 8514
 * SAVEDATE, RFC 8474 OBJECTID, RFC 8970 PREVIEW).
 */
public sealed interface FetchAttr {
    enum Simple implements FetchAttr {
        FLAGS, INTERNALDATE, RFC822_SIZE, ENVELOPE, BODY, BODYSTRUCTURE, UID, MODSEQ, RFC822, RFC822_HEADER, RFC822_TEXT,
        /** RFC 8514. */
        SAVEDATE,
        /** RFC 8474. */
        EMAILID, THREADID,
        /** RFC 8970, with or without (LAZY): the preview is always worked out. */
        PREVIEW;

        /** The name in a FETCH response. */
        public String wireName() {
            return name().replace('_', '.');
        }
    }

    /** {@code BODY[section]<partial>} or {@code BODY.PEEK[...]}. */
    record BodySection(Section section, Partial partial, boolean peek) implements FetchAttr {}

    /** {@code BINARY[part]<partial>} or {@code BINARY.PEEK[...]} (RFC 3516). */
    record Binary(int[] part, Partial partial, boolean peek) implements FetchAttr {
        @Override
        public boolean equals(Object o) {
            return o instanceof Binary b && Arrays.equals(b.part, part) && java.util.Objects.equals(b.partial, partial) && b.peek == peek;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(part);
        }
    }

    /** {@code BINARY.SIZE[part]} (RFC 3516). */
    record BinarySize(int[] part) implements FetchAttr {
        @Override
        public boolean equals(Object o) {
            return o instanceof BinarySize b && Arrays.equals(b.part, part);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(part);
        }
    }

    /** {@code <offset.length>}; in the response only {@code <offset>} is echoed. */
    record Partial(long offset, long length) {}

    /**
     * A body section (RFC 3501 §6.4.5): {@code part} is the part number path ([] = the whole
     * message); {@code kind} the text after it; {@code fields} the header field names as given.
     */
    record Section(int[] part, Kind kind, List<String> fields) {
        public enum Kind { ALL, HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT, TEXT, MIME }

        @Override
        public boolean equals(Object o) {
            return o instanceof Section s && Arrays.equals(s.part, part) && s.kind == kind && s.fields.equals(fields);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(part) * 31 + kind.hashCode();
        }

        @Override
        public String toString() {
            return "Section[" + Arrays.toString(part) + " " + kind + " " + fields + "]";
        }
    }
}
