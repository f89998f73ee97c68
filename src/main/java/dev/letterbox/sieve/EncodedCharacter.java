package dev.letterbox.sieve;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * RFC 5228 §2.4.2.4 encoded characters: {@code ${hex:48 49}} (UTF-8 octets) and
 * {@code ${unicode:1F600}} (code points). A sequence that is not well formed stays as written;
 * octets that are not UTF-8 or code points beyond Unicode are a compile error.
 */
final class EncodedCharacter {
    private EncodedCharacter() {}

    static String decode(String s, int line) throws SieveException {
        if (!s.contains("${")) return s;
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int open = s.indexOf("${", i);
            int close = open < 0 ? -1 : s.indexOf('}', open);
            if (close < 0) break;
            String inner = s.substring(open + 2, close);
            int colon = inner.indexOf(':');
            String kind = colon < 0 ? "" : inner.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT);
            String decoded = null;
            if (kind.equals("hex")) decoded = hex(inner.substring(colon + 1), line);
            else if (kind.equals("unicode")) decoded = unicode(inner.substring(colon + 1), line);
            if (decoded == null) {
                out.append(s, i, open + 2);
                i = open + 2;
            } else {
                out.append(s, i, open).append(decoded);
                i = close + 1;
            }
        }
        return out.append(s, i, s.length()).toString();
    }

    /** The hex-pairs of "${hex:...}" as UTF-8, or null if not well formed. */
    private static String hex(String body, int line) throws SieveException {
        String[] pairs = body.strip().split("[ \\t\\r\\n]+");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String p : pairs) {
            if (p.isEmpty()) continue;
            if (p.length() > 2 || !isHex(p)) return null;
            bytes.write(Integer.parseInt(p, 16));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new SieveException(line, "${hex:" + body.strip() + "} is not UTF-8");
        }
    }

    private static String unicode(String body, int line) throws SieveException {
        StringBuilder sb = new StringBuilder();
        for (String p : body.strip().split("[ \\t\\r\\n]+")) {
            if (p.isEmpty()) continue;
            if (p.length() > 8 || !isHex(p)) return null;
            int cp = Integer.parseInt(p, 16);
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                throw new SieveException(line, "${unicode:" + p + "} is not a Unicode character");
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    private static boolean isHex(String p) {
        for (int i = 0; i < p.length(); i++) if (Character.digit(p.charAt(i), 16) < 0) return false;
        return true;
    }
}
