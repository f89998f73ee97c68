package dev.letterbox.message;

import dev.letterbox.message.ContentInfo.Param;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the Content-* fields of a header (RFC 2045, 2183, 3282, 2557, 1864) into a {@link ContentInfo}.
 * Lenient: a Content-Type that is not "type/subtype" counts as absent (RFC 2045 §5.2: text/plain;
 * charset=us-ascii); comments are dropped; unknown parameters are kept.
 */
final class ContentFields {
    private ContentFields() {}

    /** {@code inDigest}: the entity is a part of multipart/digest, whose default type is message/rfc822. */
    static ContentInfo parse(HeaderBlock h, boolean inDigest) {
        String type = inDigest ? "message" : "text";
        String subtype = inDigest ? "rfc822" : "plain";
        List<Param> params = List.of();
        byte[] ct = h.raw("content-type");
        if (ct != null) {
            Parsed parsed = parseValueAndParams(latin1(ct));
            String value = parsed.value().replace(" ", "").replace("\t", "");
            int slash = value.indexOf('/');
            if (slash > 0 && slash < value.length() - 1 && isToken(value, 0, slash) && isToken(value, slash + 1, value.length())) {
                type = value.substring(0, slash);
                subtype = value.substring(slash + 1);
                params = parsed.params();
            }
        }
        String dispositionType = null;
        List<Param> dispositionParams = List.of();
        byte[] cd = h.raw("content-disposition");
        if (cd != null) {
            Parsed parsed = parseValueAndParams(latin1(cd));
            if (!parsed.value().isEmpty()) {
                dispositionType = text(parsed.value());
                dispositionParams = parsed.params();
            }
        }
        List<String> languages = null;
        String lang = h.text("content-language");
        if (lang != null) {
            languages = new ArrayList<>();
            for (String l : withoutComments(lang).split(",")) {
                String t = l.trim();
                if (!t.isEmpty()) languages.add(t);
            }
        }
        String encoding = h.text("content-transfer-encoding");
        if (encoding != null) {
            encoding = withoutComments(encoding).trim();
            if (encoding.isEmpty()) encoding = null;
        }
        return new ContentInfo(type, subtype, params, h.text("content-id"), h.text("content-description"),
                encoding, h.text("content-md5"), dispositionType, dispositionParams, languages, h.text("content-location"));
    }

    /** The boundary parameter as the octets that delimiter lines carry, or null if absent or empty. */
    static byte[] boundary(HeaderBlock h) {
        byte[] ct = h.raw("content-type");
        if (ct == null) return null;
        for (Param p : parseValueAndParams(latin1(ct)).rawParams()) {
            if (p.name().equalsIgnoreCase("boundary") && !p.value().isEmpty()) {
                return p.value().getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private record Parsed(String value, List<Param> rawParams) {
        /** Parameters with RFC 2231 continuations joined and octets decoded to text. */
        List<Param> params() {
            List<Param> joined = joinContinuations(rawParams);
            List<Param> out = new ArrayList<>(joined.size());
            for (Param p : joined) out.add(new Param(text(p.name()), text(p.value())));
            return out;
        }
    }

    /**
     * Splits "value; a=b; c="d;e"" of a field given as one char per octet. Quoted strings lose their
     * quotes and backslashes; comments outside quotes are removed; a parameter without "=" is dropped.
     */
    private static Parsed parseValueAndParams(String s) {
        List<String> pieces = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        List<Boolean> quotedSeen = new ArrayList<>();
        boolean anyQuoted = false;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '"') {
                // A quoted string: copied with a marker so the value keeps its inner spaces and semicolons.
                anyQuoted = true;
                i++;
                cur.append('\u0000');
                while (i < n && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && i + 1 < n) i++;
                    cur.append(s.charAt(i));
                    i++;
                }
                cur.append('\u0000');
                i++;
            } else if (c == '(') {
                i = skipComment(s, i);
            } else if (c == ';') {
                pieces.add(cur.toString());
                quotedSeen.add(anyQuoted);
                cur.setLength(0);
                anyQuoted = false;
                i++;
            } else {
                cur.append(c);
                i++;
            }
        }
        pieces.add(cur.toString());
        quotedSeen.add(anyQuoted);
        String value = unmark(pieces.get(0)).trim();
        List<Param> params = new ArrayList<>();
        for (int k = 1; k < pieces.size(); k++) {
            String piece = pieces.get(k);
            int eq = piece.indexOf('=');
            if (eq <= 0) continue;
            String name = unmark(piece.substring(0, eq)).trim();
            String v = piece.substring(eq + 1);
            v = quotedSeen.get(k) ? quotedPart(v) : v.trim();
            if (!name.isEmpty()) params.add(new Param(name, v));
        }
        return new Parsed(value, params);
    }

    /** For a value containing a quoted string: the quoted text, plus any unquoted text around it trimmed. */
    private static String quotedPart(String v) {
        StringBuilder out = new StringBuilder();
        boolean inQuote = false;
        String t = v.strip();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\u0000') {
                inQuote = !inQuote;
            } else if (inQuote || !(c == ' ' || c == '\t')) {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String unmark(String s) {
        return s.indexOf('\u0000') < 0 ? s : s.replace("\u0000", "");
    }

    static int skipComment(String s, int i) {
        int depth = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '(') depth++;
            if (c == ')' && --depth == 0) return i + 1;
            i++;
        }
        return i;
    }

    static String withoutComments(String s) {
        if (s.indexOf('(') < 0) return s;
        StringBuilder out = new StringBuilder();
        int i = 0;
        boolean inQuote = false;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') inQuote = !inQuote;
            if (c == '(' && !inQuote) {
                i = skipComment(s, i);
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /**
     * RFC 2231 §3: {@code name*0}, {@code name*1*}... become one parameter at the place of the first
     * piece. When any piece is extended the result is {@code name*} with the charset'language' prefix
     * of piece 0 and the plain pieces percent-encoded; otherwise plain {@code name}. The value is not
     * decoded: BODYSTRUCTURE carries it as the message does, clients decode.
     */
    static List<Param> joinContinuations(List<Param> in) {
        boolean any = false;
        for (Param p : in) {
            if (sectionOf(p.name()) >= 0) {
                any = true;
                break;
            }
        }
        if (!any) return in;
        Map<String, TreeMap<Integer, Param>> groups = new LinkedHashMap<>();
        List<Object> order = new ArrayList<>();     // Param or group key
        for (Param p : in) {
            int section = sectionOf(p.name());
            if (section < 0) {
                order.add(p);
                continue;
            }
            String base = p.name().substring(0, p.name().indexOf('*')).toLowerCase(Locale.ROOT);
            TreeMap<Integer, Param> group = groups.get(base);
            if (group == null) {
                group = new TreeMap<>();
                groups.put(base, group);
                order.add(base);
            }
            group.putIfAbsent(section, p);
        }
        List<Param> out = new ArrayList<>();
        for (Object o : order) {
            if (o instanceof Param p) {
                out.add(p);
                continue;
            }
            TreeMap<Integer, Param> group = groups.get((String) o);
            boolean extended = group.values().stream().anyMatch(p -> p.name().endsWith("*"));
            String firstName = group.firstEntry().getValue().name();
            String base = firstName.substring(0, firstName.indexOf('*'));
            StringBuilder value = new StringBuilder();
            boolean first = true;
            for (Param p : group.values()) {
                boolean pieceExtended = p.name().endsWith("*");
                if (extended && first && !pieceExtended) value.append("''");
                value.append(extended && !pieceExtended ? percentEncode(p.value()) : p.value());
                first = false;
            }
            out.add(new Param(extended ? base + "*" : base, value.toString()));
        }
        return out;
    }

    /** N for "name*N" or "name*N*", else -1. */
    private static int sectionOf(String name) {
        int star = name.indexOf('*');
        if (star <= 0) return -1;
        int end = name.endsWith("*") && name.length() > star + 1 ? name.length() - 1 : name.length();
        if (end <= star + 1 || end - star - 1 > 4) return -1;
        int n = 0;
        for (int i = star + 1; i < end; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static String percentEncode(String octets) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < octets.length(); i++) {
            char c = octets.charAt(i);
            if (c > ' ' && c < 127 && "*'%()<>@,;:\\\"/[]?=".indexOf(c) < 0) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static boolean isToken(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?=".indexOf(c) >= 0) return false;
        }
        return true;
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** A string holding one octet per char, decoded as header text (UTF-8 if valid, else ISO-8859-1). */
    private static String text(String octets) {
        for (int i = 0; i < octets.length(); i++) {
            if (octets.charAt(i) > 127) {
                byte[] b = octets.getBytes(StandardCharsets.ISO_8859_1);
                return HeaderBlock.decodeOctets(b, 0, b.length);
            }
        }
        return octets;
    }
}
