package dev.letterbox.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The header section of a message split into whole fields, in order from the top: each field
 * as it appears (name, colon, value, folds kept as CRLF), without its final CRLF. Bytes map 1:1 to
 * chars (ISO-8859-1), so 8-bit header bytes hash as they were sent. A line that is neither a field
 * nor a fold cannot be signed and is skipped. Immutable; parsing and lookups are linear in the
 * header's size, whatever its content.
 */
public final class MessageHeader {
    private final List<String> fields;
    private final String[] names; // lower-case field names, same order
    private final Map<String, int[]> positions = new HashMap<>();

    private MessageHeader(List<String> fields) {
        this.fields = List.copyOf(fields);
        this.names = new String[fields.size()];
        Map<String, List<Integer>> at = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            names[i] = nameOf(fields.get(i));
            at.computeIfAbsent(names[i], k -> new ArrayList<>()).add(i);
        }
        at.forEach((name, list) -> positions.put(name, list.stream().mapToInt(Integer::intValue).toArray()));
    }

    /**
     * Parses the header section: the bytes from the start of the message up to the empty line that
     * ends the header (that line may be included). Bytes after the empty line are the body and are
     * refused, so they cannot be lost to the body hash by mistake.
     */
    public static MessageHeader parse(byte[] header) {
        return parse(header, 0, header.length);
    }

    public static MessageHeader parse(byte[] b, int off, int len) {
        int[] end = findEnd(b, off, off + len);
        if (end[1] >= 0 && end[1] < off + len) throw new IllegalArgumentException("bytes after the header's empty line belong to the body");
        int stop = end[0] < 0 ? off + len : end[0];
        return new MessageHeader(split(new String(b, off, stop - off, StandardCharsets.ISO_8859_1)));
    }

    /** A header together with the first bytes of the body that were read past it. */
    record Read(MessageHeader header, byte[] bodyStart) {}

    /** Reads a message's header from a stream, refusing headers longer than {@code maxBytes}. */
    static Read read(InputStream in, int maxBytes) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        int[] end = {-1, -1};
        byte[] all = new byte[0];
        int scanned = 0;
        while (end[0] < 0 && (n = in.read(buf)) > 0) {
            header.write(buf, 0, n);
            all = header.toByteArray();
            end = findEnd(all, Math.max(0, scanned - 2), all.length);
            scanned = all.length;
            if (end[0] < 0 && all.length > maxBytes) throw new IOException("message header longer than " + maxBytes + " bytes");
        }
        if (end[0] < 0) end = new int[] {all.length, all.length}; // no body at all
        MessageHeader parsed = new MessageHeader(split(new String(all, 0, end[0], StandardCharsets.ISO_8859_1)));
        return new Read(parsed, Arrays.copyOfRange(all, end[1], all.length));
    }

    /** {end of the header (exclusive, before the empty line), start of the body}, or {-1, -1}. */
    private static int[] findEnd(byte[] b, int from, int to) {
        if (from == 0) {
            if (to - from >= 2 && b[0] == '\r' && b[1] == '\n') return new int[] {0, 2};
            if (to - from >= 1 && b[0] == '\n') return new int[] {0, 1};
        }
        for (int i = from; i + 1 < to; i++) {
            if (b[i] != '\n') continue;
            if (b[i + 1] == '\n') return new int[] {i + 1, i + 2};
            if (b[i + 1] == '\r' && i + 2 < to && b[i + 2] == '\n') return new int[] {i + 1, i + 3};
        }
        return new int[] {-1, -1};
    }

    private static List<String> split(String header) {
        List<String> fields = new ArrayList<>();
        StringBuilder current = null;
        int start = 0;
        while (start < header.length()) {
            int nl = header.indexOf('\n', start);
            int next = nl < 0 ? header.length() : nl + 1;
            int end = nl < 0 ? header.length() : (nl > start && header.charAt(nl - 1) == '\r' ? nl - 1 : nl);
            String line = header.substring(start, end);
            start = next;
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                if (current != null) current.append("\r\n").append(line);
            } else if (line.indexOf(':') > 0) {
                if (current != null) fields.add(current.toString());
                current = new StringBuilder(line);
            } else if (current != null) { // not a field: ends the one before, is itself skipped
                fields.add(current.toString());
                current = null;
            }
        }
        if (current != null) fields.add(current.toString());
        return fields;
    }

    /** The lower-case name of a raw field (the text before its colon, trimmed). */
    static String nameOf(String field) {
        int colon = field.indexOf(':');
        return (colon < 0 ? field : field.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
    }

    /** The fields from the top, each without its final CRLF. */
    public List<String> fields() {
        return fields;
    }

    public int size() {
        return fields.size();
    }

    public String field(int index) {
        return fields.get(index);
    }

    /** The lower-case name of field {@code index}. */
    public String name(int index) {
        return names[index];
    }

    /** Where fields named {@code lowerCaseName} are, from the top; empty when there are none. */
    public int[] positions(String lowerCaseName) {
        int[] at = positions.get(lowerCaseName);
        return at == null ? new int[0] : at.clone();
    }

    /**
     * The canonical header fields a signature's h= list selects (RFC 6376 §5.4.2), each followed by
     * CRLF: a name listed n times takes the n lowest instances, from the bottom up; a name listed
     * more often than it occurs contributes nothing more. The field at {@code exclude} (the
     * signature being checked, or -1) is never selected: it did not exist when it was signed.
     */
    public String canonicalFields(List<String> lowerCaseNames, int exclude, Canonicalization canonicalization) {
        Map<String, Integer> taken = new HashMap<>();
        StringBuilder out = new StringBuilder();
        for (String name : lowerCaseNames) {
            int[] at = positions.get(name);
            if (at == null) continue;
            int next = taken.getOrDefault(name, at.length) - 1; // walks upwards through at[]
            if (next >= 0 && at[next] == exclude) next--;
            if (next < 0) {
                taken.put(name, 0);
                continue;
            }
            taken.put(name, next);
            out.append(canonicalization.header(fields.get(at[next]))).append("\r\n");
        }
        return out.toString();
    }
}
