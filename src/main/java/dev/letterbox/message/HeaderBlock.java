package dev.letterbox.message;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * The fields of one header section (RFC 5322 §2.2), as raw octets. A field starts on a line that does
 * not begin with white space and runs over its continuation lines; lines without a colon are not
 * fields and are skipped. Values are unfolded by removing CR and LF only (RFC 5322 §2.2.3), so the
 * white space of the fold stays.
 */
final class HeaderBlock {
    private final byte[] bytes;
    private final List<String> names = new ArrayList<>();   // lower-case
    private final List<int[]> values = new ArrayList<>();   // {start, end} of the value after the colon

    private HeaderBlock(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Splits {@code bytes[0, length)} into fields; the bytes are not copied. */
    static HeaderBlock parse(byte[] bytes, int length) {
        HeaderBlock block = new HeaderBlock(bytes);
        int i = 0;
        while (i < length) {
            int lineEnd = lineEnd(bytes, i, length);
            if (bytes[i] == ' ' || bytes[i] == '\t') {
                i = lineEnd;            // a continuation without a field before it: skipped
                continue;
            }
            int fieldEnd = lineEnd;
            while (fieldEnd < length && (bytes[fieldEnd] == ' ' || bytes[fieldEnd] == '\t')) {
                fieldEnd = lineEnd(bytes, fieldEnd, length);
            }
            int colon = -1;
            for (int j = i; j < lineEnd; j++) {
                if (bytes[j] == ':') {
                    colon = j;
                    break;
                }
            }
            if (colon > i) {
                int nameEnd = colon;
                while (nameEnd > i && (bytes[nameEnd - 1] == ' ' || bytes[nameEnd - 1] == '\t')) nameEnd--;
                if (nameEnd > i) {
                    block.names.add(asciiLower(bytes, i, nameEnd));
                    block.values.add(new int[] {colon + 1, fieldEnd});
                }
            }
            i = fieldEnd;
        }
        return block;
    }

    private static int lineEnd(byte[] b, int from, int length) {
        for (int i = from; i < length; i++) {
            if (b[i] == '\n') return i + 1;
        }
        return length;
    }

    private static String asciiLower(byte[] b, int from, int to) {
        char[] c = new char[to - from];
        for (int i = from; i < to; i++) {
            int x = b[i] & 0xff;
            c[i - from] = (char) (x >= 'A' && x <= 'Z' ? x + 32 : x);
        }
        return new String(c);
    }

    /** The unfolded value of the first field named {@code lowerName}, or null. */
    String text(String lowerName) {
        int idx = names.indexOf(lowerName);
        return idx < 0 ? null : valueText(idx);
    }

    /** The unfolded value octets of the first field named {@code lowerName}, or null. */
    byte[] raw(String lowerName) {
        int idx = names.indexOf(lowerName);
        return idx < 0 ? null : unfold(idx);
    }

    /** Unfolded values of every field named {@code lowerName}, in order. */
    List<String> all(String lowerName) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(lowerName)) out.add(valueText(i));
        }
        return out;
    }

    int size() {
        return names.size();
    }

    String name(int i) {
        return names.get(i);
    }

    String valueText(int i) {
        byte[] v = unfold(i);
        return decodeOctets(v, 0, v.length);
    }

    /** The value without CR/LF and without the white space right after the colon. */
    private byte[] unfold(int idx) {
        int[] range = values.get(idx);
        int start = range[0];
        int end = range[1];
        byte[] out = new byte[end - start];
        int n = 0;
        boolean leading = true;
        for (int i = start; i < end; i++) {
            byte b = bytes[i];
            if (b == '\r' || b == '\n') continue;
            if (leading && (b == ' ' || b == '\t')) continue;
            leading = false;
            out[n++] = b;
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /**
     * Octets of a header to text: ASCII as is, valid UTF-8 (RFC 6532) as UTF-8, anything else as
     * ISO-8859-1 so no octet is lost or replaced.
     */
    static String decodeOctets(byte[] b, int off, int len) {
        boolean ascii = true;
        for (int i = off; i < off + len; i++) {
            if (b[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) return new String(b, off, len, StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, off, len)).toString();
        } catch (CharacterCodingException e) {
            return new String(b, off, len, StandardCharsets.ISO_8859_1);
        }
    }

    /** RFC 2047 encoded-words decoded (unknown charsets leave the word as is). */
    static String decodeWords(String value) {
        if (value == null) return null;
        if (value.indexOf("=?") < 0) return value;
        try {
            return DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT);
        } catch (RuntimeException e) {
            return value;  // the decoder is lenient; anything it still throws leaves the raw text
        }
    }
}
