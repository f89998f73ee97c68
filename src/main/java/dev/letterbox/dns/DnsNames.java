package dev.letterbox.dns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.xbill.DNS.Name;

/**
 * Text ↔ {@link Name} without dnsjava's master-file escapes. A name built from mail data (a HELO
 * argument, an expanded SPF macro) may contain '\' or '"'; {@code Name.fromString} would read
 * "\046" as a dot, so names are built label by label from their bytes instead.
 */
final class DnsNames {
    static final int MAX_LABEL = 63;
    /** RFC 1035 §3.1: 255 octets on the wire, i.e. 253 characters in dotted text. */
    static final int MAX_TEXT = 253;

    private DnsNames() {}

    /**
     * {@code text} ("a.example.org" or "a.example.org.") as an absolute name, or null when it is no
     * possible DNS name: empty, an empty or over-long label, or longer than 253 characters.
     */
    static Name parse(String text) {
        String s = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (s.isEmpty() || s.length() > MAX_TEXT) return null;
        ByteArrayOutputStream wire = new ByteArrayOutputStream(s.length() + 2);
        int start = 0;
        while (start <= s.length()) {
            int dot = s.indexOf('.', start);
            int end = dot < 0 ? s.length() : dot;
            byte[] label = s.substring(start, end).getBytes(StandardCharsets.UTF_8);
            if (label.length == 0 || label.length > MAX_LABEL) return null;
            wire.write(label.length);
            wire.write(label, 0, label.length);
            if (dot < 0) break;
            start = dot + 1;
        }
        wire.write(0);
        try {
            return new Name(wire.toByteArray());
        } catch (IOException e) {
            return null; // over 255 octets once UTF-8 encoded
        }
    }

    /** The name as dotted text, lower case, without the trailing dot; the root is ".". */
    static String text(Name name) {
        if (name.labels() <= 1) return ".";
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.labels() - 1; i++) { // the last label is the root's empty one
            byte[] label = name.getLabel(i); // length byte first
            if (i > 0) sb.append('.');
            sb.append(new String(label, 1, label.length - 1, StandardCharsets.UTF_8));
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
