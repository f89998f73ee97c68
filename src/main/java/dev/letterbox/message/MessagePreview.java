package dev.letterbox.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CodingErrorAction;
import java.util.Locale;

/**
 * The preview of a message (RFC 8970 §2): the start of its first text part as plain text, HTML
 * markup removed, runs of white space made one space, at most {@link #MAX_CHARS} characters. Only
 * the first {@link #MAX_READ} characters of the part are read, so a large message costs no more
 * than a small one.
 */
public final class MessagePreview {
    /** RFC 8970 §2: the preview is no longer than 256 characters. */
    public static final int MAX_CHARS = 256;
    /** Characters of the part read at most: enough for 256 of text behind a long HTML head. */
    private static final int MAX_READ = 32 * 1024;

    private MessagePreview() {}

    /** The preview, "" when the message has no text part; {@code blob} is not closed. */
    public static String of(SeekableByteChannel blob, MessageStructure s) throws IOException {
        MimePart part = firstText(s.root());
        if (part == null) return "";
        ContentInfo c = part.content();
        InputStream raw = new BlobRegion(blob, part.bodyStart(), part.end());
        InputStream decoded = BlobRegion.decoding(raw, c.encoding());
        if (decoded == null) return ""; // an unknown transfer encoding: nothing readable to show
        char[] buf = new char[MAX_READ];
        int n = 0;
        try (Reader reader = new InputStreamReader(decoded, MessageSearch.charset(c.param("charset")).newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE))) {
            int r;
            while (n < buf.length && (r = reader.read(buf, n, buf.length - n)) > 0) n += r;
        }
        String text = new String(buf, 0, n);
        if (c.subtype().equalsIgnoreCase("html")) text = stripHtml(text);
        return cut(normalise(text));
    }

    /**
     * The first text/plain or text/html part in reading order that is not an attachment; in a
     * multipart/alternative the plain text is preferred to the HTML. Embedded messages are not entered
     * (their text is not this message's).
     */
    private static MimePart firstText(MimePart p) {
        switch (p.kind()) {
            case MULTIPART -> {
                if (p.content().subtype().equalsIgnoreCase("alternative")) {
                    for (MimePart child : p.children()) if (isText(child, "plain")) return child;
                }
                for (MimePart child : p.children()) {
                    MimePart found = firstText(child);
                    if (found != null) return found;
                }
                return null;
            }
            case MESSAGE -> {
                return null;
            }
            default -> {
                return isText(p, "plain") || isText(p, "html") ? p : null;
            }
        }
    }

    private static boolean isText(MimePart p, String subtype) {
        ContentInfo c = p.content();
        return p.kind() == MimePart.Kind.LEAF && c.is("text", subtype) && !"attachment".equalsIgnoreCase(c.dispositionType());
    }

    /** Text of an HTML fragment: no tags, comments, scripts or styles; the common entities decoded. */
    static String stripHtml(String html) {
        StringBuilder out = new StringBuilder(html.length());
        String lower = html.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < html.length()) {
            char ch = html.charAt(i);
            if (ch == '<') {
                int end;
                if (lower.startsWith("<!--", i)) {
                    end = lower.indexOf("-->", i + 4);
                    end = end < 0 ? html.length() : end + 3;
                } else if (lower.startsWith("<script", i) || lower.startsWith("<style", i) || lower.startsWith("<head", i)) {
                    String name = lower.startsWith("<script", i) ? "script" : lower.startsWith("<style", i) ? "style" : "head";
                    end = lower.indexOf("</" + name, i);
                    end = end < 0 ? html.length() : closingAngle(lower, end);
                } else {
                    end = closingAngle(lower, i);
                }
                out.append(' '); // a tag separates words (<br>, </p>, </td>)
                i = end;
            } else if (ch == '&') {
                int semi = html.indexOf(';', i);
                String entity = semi > i && semi - i <= 10 ? entity(html.substring(i + 1, semi)) : null;
                if (entity == null) {
                    out.append(ch);
                    i++;
                } else {
                    out.append(entity);
                    i = semi + 1;
                }
            } else {
                out.append(ch);
                i++;
            }
        }
        return out.toString();
    }

    private static int closingAngle(String lower, int from) {
        int end = lower.indexOf('>', from);
        return end < 0 ? lower.length() : end + 1;
    }

    private static String entity(String name) {
        switch (name) {
            case "amp": return "&";
            case "lt": return "<";
            case "gt": return ">";
            case "quot": return "\"";
            case "apos": return "'";
            case "nbsp": return " ";
            default:
                break;
        }
        try {
            if (name.startsWith("#x") || name.startsWith("#X")) return Character.toString(Integer.parseInt(name.substring(2), 16));
            if (name.startsWith("#")) return Character.toString(Integer.parseInt(name.substring(1)));
        } catch (IllegalArgumentException e) {
            return null; // not a number or not a code point: left as written
        }
        return null;
    }

    /** Every run of white space (line breaks, tabs, no-break spaces) as one space, none at the ends. */
    static String normalise(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS * 2));
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isWhitespace(ch) || Character.isSpaceChar(ch) || Character.isISOControl(ch)) {
                space = out.length() > 0;
            } else {
                if (space) out.append(' ');
                space = false;
                out.append(ch);
            }
        }
        return out.toString();
    }

    /** At most {@link #MAX_CHARS} characters (code points), never splitting a surrogate pair. */
    private static String cut(String text) {
        if (text.codePointCount(0, text.length()) <= MAX_CHARS) return text;
        return text.substring(0, text.offsetByCodePoints(0, MAX_CHARS));
    }
}
