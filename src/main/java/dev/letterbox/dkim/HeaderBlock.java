package dev.letterbox.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header of a message split into whole fields (folded lines joined, CRLFs kept inside), read
 * from a stream up to the empty line. Bytes map 1:1 to chars (ISO-8859-1) so 8-bit headers hash as sent.
 */
record HeaderBlock(List<String> fields, byte[] bodyStart) {

    static HeaderBlock read(InputStream in, int maxBytes) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n, end = -1, bodyFrom = -1;
        byte[] all = new byte[0];
        while (end < 0 && (n = in.read(buf)) > 0) {
            header.write(buf, 0, n);
            all = header.toByteArray();
            int[] split = findEnd(all);
            end = split[0];
            bodyFrom = split[1];
            if (end < 0 && all.length > maxBytes) throw new IOException("message header longer than " + maxBytes + " bytes");
        }
        if (end < 0) { // no body at all
            end = all.length;
            bodyFrom = all.length;
        }
        String text = new String(all, 0, end, StandardCharsets.ISO_8859_1);
        return new HeaderBlock(split(text), Arrays.copyOfRange(all, bodyFrom, all.length));
    }

    /** {end of header (exclusive, before the empty line), start of body}, or {-1, -1}. */
    private static int[] findEnd(byte[] b) {
        if (b.length >= 2 && b[0] == '\r' && b[1] == '\n') return new int[] {0, 2};
        if (b.length >= 1 && b[0] == '\n') return new int[] {0, 1};
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] != '\n') continue;
            if (b[i + 1] == '\n') return new int[] {i + 1, i + 2};
            if (b[i + 1] == '\r' && i + 2 < b.length && b[i + 2] == '\n') return new int[] {i + 1, i + 3};
        }
        return new int[] {-1, -1};
    }

    private static List<String> split(String header) {
        List<String> fields = new ArrayList<>();
        StringBuilder current = null;
        for (String line : header.split("(?<=\n)")) {
            String content = line.endsWith("\r\n") ? line.substring(0, line.length() - 2)
                    : line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
            if (!content.isEmpty() && (content.charAt(0) == ' ' || content.charAt(0) == '\t') && current != null) {
                current.append("\r\n").append(content);
            } else if (content.indexOf(':') > 0) {
                if (current != null) fields.add(current.toString());
                current = new StringBuilder(content);
            } // a line that is neither a field nor a fold is not signable; skip it
        }
        if (current != null) fields.add(current.toString());
        return fields;
    }
}
