package dev.letterbox.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiPredicate;

/**
 * Header-section surgery the pipeline is allowed (leaving out whole fields the client may not set),
 * and reading the fields for those who decide on them (auto-replies, filters).
 */
final class HeaderFields {
    private HeaderFields() {}

    /** One field: its name as written and its value unfolded (CRLF removed), as ISO-8859-1 text. */
    record Field(String name, String value) {}

    /** The fields in {@code [0, headerEnd)}, in order; lines without a colon are skipped. */
    static List<Field> parse(byte[] bytes, int headerEnd) {
        List<Field> fields = new ArrayList<>();
        int fieldStart = 0;
        while (fieldStart < headerEnd) {
            int fieldEnd = nextFieldStart(bytes, fieldStart, headerEnd);
            int colon = indexOf(bytes, (byte) ':', fieldStart, fieldEnd);
            if (colon > fieldStart) {
                fields.add(new Field(new String(bytes, fieldStart, colon - fieldStart, StandardCharsets.ISO_8859_1).strip(),
                        unfolded(bytes, colon + 1, fieldEnd)));
            }
            fieldStart = fieldEnd;
        }
        return fields;
    }

    private static String unfolded(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1).replace("\r\n", "").strip();
    }

    /**
     * {@code bytes} with every field in {@code [0, headerEnd)} for which {@code drop} says true left
     * out, whole (with its folded continuation lines); all other bytes as they were. {@code drop} gets
     * the field name in lower case and the value unfolded (CRLF removed) as ISO-8859-1 text.
     */
    static byte[] without(byte[] bytes, int headerEnd, BiPredicate<String, String> drop) {
        ByteArrayOutputStream out = null;
        int fieldStart = 0;
        while (fieldStart < headerEnd) {
            int fieldEnd = nextFieldStart(bytes, fieldStart, headerEnd);
            int colon = indexOf(bytes, (byte) ':', fieldStart, fieldEnd);
            boolean dropped = false;
            if (colon > fieldStart) {
                String name = new String(bytes, fieldStart, colon - fieldStart, StandardCharsets.ISO_8859_1)
                        .strip().toLowerCase(Locale.ROOT);
                String value = unfolded(bytes, colon + 1, fieldEnd);
                dropped = drop.test(name, value);
            }
            if (dropped && out == null) {
                out = new ByteArrayOutputStream(bytes.length);
                out.write(bytes, 0, fieldStart);
            } else if (!dropped && out != null) {
                out.write(bytes, fieldStart, fieldEnd - fieldStart);
            }
            fieldStart = fieldEnd;
        }
        if (out == null) return bytes;
        out.write(bytes, headerEnd, bytes.length - headerEnd);
        return out.toByteArray();
    }

    /**
     * Tells {@code each} of every field in {@code [0, headerEnd)}: its name in lower case and its
     * value unfolded, as {@link #without} gives them.
     */
    static void each(byte[] bytes, int headerEnd, java.util.function.BiConsumer<String, String> each) {
        without(bytes, headerEnd, (name, value) -> {
            each.accept(name, value);
            return false;
        });
    }

    /** Where the field starting at {@code from} ends: after its line and the lines folded into it. */
    private static int nextFieldStart(byte[] b, int from, int limit) {
        int i = from;
        while (i < limit) {
            while (i < limit && b[i] != '\n') i++;
            i++; // past the LF
            if (i >= limit || (b[i] != ' ' && b[i] != '\t')) return Math.min(i, limit);
        }
        return limit;
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) return i;
            if (b[i] == '\n') return -1;
        }
        return -1;
    }
}
