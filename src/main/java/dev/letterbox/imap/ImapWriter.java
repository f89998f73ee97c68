package dev.letterbox.imap;

import dev.letterbox.message.Node;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes responses (RFC 3501 §7): status responses, continuation requests, and untagged data built
 * from typed pieces — atoms, numbers, strings (quoted when they may be, literals otherwise), NIL,
 * lists, mailbox names (modified UTF-7 unless UTF-8 is enabled) and {@link Node} trees. Spaces
 * between pieces are written automatically; {@link #end()} ends the line.
 *
 * <p>One line is assembled in a small buffer and handed to the connection's stream whole (large
 * literals are streamed through). Not thread-safe: the session's lock guards it. {@link #release()}
 * gives the buffer back before the session parks in IDLE.
 */
public final class ImapWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final int INITIAL = 256;
    /** A string longer than this goes as a literal even when it could be quoted. */
    private static final int MAX_QUOTED = 1024;

    private final OutputStream out;
    private byte[] buf = new byte[0];
    private int len;
    private boolean needSpace;
    private boolean utf8;

    public ImapWriter(OutputStream out) {
        this.out = out;
    }

    /** After ENABLE UTF8=ACCEPT or IMAP4rev2: UTF-8 in quoted strings and mailbox names (RFC 6855 §3). */
    public void utf8(boolean enabled) {
        this.utf8 = enabled;
    }

    public boolean utf8() {
        return utf8;
    }

    // ---------------------------------------------------------------- whole responses

    /** {@code tag STATUS [code] text}; {@code code} may be null. */
    public void tagged(String tag, Status status, ResponseCode code, String text) throws IOException {
        statusLine(tag, status, code, text);
    }

    /** {@code * STATUS [code] text}. */
    public void untagged(Status status, ResponseCode code, String text) throws IOException {
        statusLine("*", status, code, text);
    }

    private void statusLine(String tag, Status status, ResponseCode code, String text) throws IOException {
        raw(tag);
        raw(" ");
        raw(status.name());
        if (code != null) {
            raw(" [");
            raw(code.text());
            raw("]");
        }
        raw(" ");
        String t = sanitize(text);
        raw(t.isEmpty() ? status.name().toLowerCase(java.util.Locale.ROOT) : t);
        end();
    }

    /** A continuation request: {@code + text}. */
    public void continuation(String text) throws IOException {
        raw("+ ");
        raw(sanitize(text));
        end();
    }

    /** {@code * n NAME}, e.g. "* 3 EXISTS". */
    public void numbered(long n, String name) throws IOException {
        star().number(n).atom(name).end();
    }

    // ---------------------------------------------------------------- pieces of a data line

    public ImapWriter star() throws IOException {
        raw("*");
        needSpace = true;
        return this;
    }

    /** A token written as it is: an atom, a flag, a FETCH item name. ASCII without spaces or CTLs. */
    public ImapWriter atom(String atom) throws IOException {
        space();
        int n = atom.length();
        if (len + n > buf.length) grow(len + n);
        for (int i = 0; i < n; i++) { // checked while copied: atoms are most of every FETCH line
            char c = atom.charAt(i);
            if (c <= ' ' || c >= 0x7f) throw new IllegalArgumentException("not an atom: " + atom);
            buf[len + i] = (byte) c;
        }
        len += n;
        return this;
    }

    /** A non-negative number's digits written straight into the line (no String per number). */
    public ImapWriter number(long n) throws IOException {
        space();
        if (n < 0) {
            raw(Long.toString(n));
            return this;
        }
        int digits = 1;
        for (long v = n; v >= 10; v /= 10) digits++;
        if (len + digits > buf.length) grow(len + digits);
        for (int i = len + digits - 1; i >= len; i--, n /= 10) buf[i] = (byte) ('0' + n % 10);
        len += digits;
        // a line of numbers may be megabytes (SEARCH of a million messages): handed on in pieces, the
        // buffer stays small instead of doubling up to the line's size
        if (len > 8192) drain();
        return this;
    }

    public ImapWriter nil() throws IOException {
        space();
        raw("NIL");
        return this;
    }

    /** A string: quoted when it may be, a literal otherwise. */
    public ImapWriter string(String s) throws IOException {
        space();
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (quotable(bytes)) {
            quoted(bytes);
        } else {
            literalHeader(bytes.length, false);
            put(bytes, 0, bytes.length);
        }
        needSpace = true;
        return this;
    }

    /** A string, or NIL for null. */
    public ImapWriter nstring(String s) throws IOException {
        return s == null ? nil() : string(s);
    }

    /** A mailbox name in the wire form (modified UTF-7 unless UTF-8 is on), as a string. */
    public ImapWriter mailbox(String name) throws IOException {
        return string(utf8 ? name : ModifiedUtf7.encode(name));
    }

    public ImapWriter open() throws IOException {
        space();
        raw("(");
        needSpace = false;
        return this;
    }

    public ImapWriter close() throws IOException {
        raw(")");
        needSpace = true;
        return this;
    }

    /** {@code (a b c)} of atoms, e.g. flags. */
    public ImapWriter atomList(List<String> atoms) throws IOException {
        open();
        for (String a : atoms) atom(a);
        return close();
    }

    /**
     * Renders an ENVELOPE / BODYSTRUCTURE tree. A leading run of lists inside a list is written
     * back to back, as RFC 3501 §9 has it for "(" 1*address ")" and a multipart's 1*body.
     */
    public ImapWriter node(Node node) throws IOException {
        switch (node) {
            case Node.Nil n -> nil();
            case Node.Text t -> string(t.value());
            case Node.Number n -> number(n.value());
            case Node.ListNode l -> {
                open();
                boolean leadingLists = true;
                for (Node item : l.items()) {
                    leadingLists &= item instanceof Node.ListNode;
                    if (leadingLists) needSpace = false;
                    node(item);
                }
                close();
            }
        }
        return this;
    }

    /** A literal of these octets; {@code binary} writes literal8 ({@code ~{n}}, RFC 3516). */
    public ImapWriter literal(byte[] data, boolean binary) throws IOException {
        space();
        literalHeader(data.length, binary);
        put(data, 0, data.length);
        needSpace = true;
        return this;
    }

    /**
     * A literal of exactly {@code size} octets read from {@code in}, streamed without holding it.
     * Throws {@link EOFException} when the stream ends early; the line is then broken and the
     * caller must end the connection.
     */
    public ImapWriter literal(InputStream in, long size, boolean binary) throws IOException {
        space();
        literalHeader(size, binary);
        drain();
        byte[] chunk = new byte[(int) Math.min(size, 16 * 1024)];
        long left = size;
        while (left > 0) {
            int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
            if (n < 0) throw new EOFException("message data ended early");
            out.write(chunk, 0, n);
            left -= n;
        }
        needSpace = true;
        return this;
    }

    /**
     * The next piece follows the last one without a space: the back-to-back lists of RFC 5256
     * {@code thread-nested}, "(3)(4 5)".
     */
    public ImapWriter adjacent() {
        needSpace = false;
        return this;
    }

    // ---------------------------------------------------------------- FETCH item names

    /**
     * {@code BODY[section]<origin>} as a FETCH response names a body section (RFC 3501 §7.4.2):
     * header field names as the client gave them, a partial fetch by its origin only.
     */
    public ImapWriter bodySection(FetchAttr.Section section, FetchAttr.Partial partial) throws IOException {
        space();
        raw("BODY[");
        partPath(section.part());
        if (section.kind() != FetchAttr.Section.Kind.ALL) {
            if (section.part().length > 0) raw(".");
            raw(switch (section.kind()) {
                case HEADER -> "HEADER";
                case TEXT -> "TEXT";
                case MIME -> "MIME";
                case HEADER_FIELDS -> "HEADER.FIELDS";
                case HEADER_FIELDS_NOT -> "HEADER.FIELDS.NOT";
                case ALL -> "";
            });
            if (!section.fields().isEmpty()) {
                raw(" (");
                for (int i = 0; i < section.fields().size(); i++) {
                    if (i > 0) raw(" ");
                    headerFieldName(section.fields().get(i));
                }
                raw(")");
            }
        }
        raw("]");
        origin(partial);
        return this;
    }

    /** {@code BINARY[part]<origin>} (RFC 3516 §4.2). */
    public ImapWriter binarySection(int[] part, FetchAttr.Partial partial) throws IOException {
        space();
        raw("BINARY[");
        partPath(part);
        raw("]");
        origin(partial);
        return this;
    }

    /** {@code BINARY.SIZE[part]} (RFC 3516 §4.2). */
    public ImapWriter binarySize(int[] part) throws IOException {
        space();
        raw("BINARY.SIZE[");
        partPath(part);
        raw("]");
        return this;
    }

    /** "1.2", nothing for the whole message. */
    private void partPath(int[] part) {
        for (int i = 0; i < part.length; i++) {
            if (i > 0) raw(".");
            raw(Integer.toString(part[i]));
        }
    }

    /** A partial fetch is answered with its origin octet only: "&lt;0&gt;" (RFC 3501 §7.4.2 BODY[]&lt;origin&gt;). */
    private void origin(FetchAttr.Partial partial) {
        if (partial != null) raw("<" + partial.offset() + ">");
    }

    /**
     * A header field name (an astring): as an atom when it is one, else quoted. The parser refused
     * names with CTLs or 8-bit octets, so a quoted string always can carry it.
     */
    private void headerFieldName(String name) {
        boolean atom = !name.isEmpty();
        for (int i = 0; i < name.length() && atom; i++) {
            char c = name.charAt(i);
            atom = c > ' ' && c < 0x7f && "(){%*\"\\]".indexOf(c) < 0;
        }
        if (atom) raw(name);
        else quoted(name.getBytes(StandardCharsets.UTF_8));
    }

    /** Ends the line and hands it to the connection (not flushed to the network). */
    public void end() throws IOException {
        put(CRLF, 0, 2);
        drain();
        needSpace = false;
    }

    /** Gives back the line buffer (before a long wait such as IDLE). */
    public void release() {
        if (len == 0) buf = new byte[0];
    }

    // ---------------------------------------------------------------- internals

    private boolean quotable(byte[] bytes) {
        if (bytes.length > MAX_QUOTED) return false;
        for (byte b : bytes) {
            if (b == 0 || b == '\r' || b == '\n') return false;
            if (b < 0 && !utf8) return false;
        }
        return true;
    }

    private void quoted(byte[] bytes) {
        putByte('"');
        for (byte b : bytes) {
            if (b == '"' || b == '\\') putByte('\\');
            putByte(b);
        }
        putByte('"');
    }

    private void literalHeader(long size, boolean binary) {
        raw((binary ? "~{" : "{") + size + "}\r\n");
    }

    private void space() {
        if (needSpace) putByte(' ');
        needSpace = true;
    }

    private void raw(String ascii) {
        for (int i = 0; i < ascii.length(); i++) putByte(ascii.charAt(i));
    }

    /** Human-readable text: printable ASCII only, so a line can never be broken by it. */
    private static String sanitize(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }

    private void putByte(int b) {
        if (len == buf.length) grow(len + 1);
        buf[len++] = (byte) b;
    }

    private void put(byte[] data, int off, int n) throws IOException {
        if (n > 8192) { // large: stream it through
            drain();
            out.write(data, off, n);
            return;
        }
        if (len + n > buf.length) grow(len + n);
        System.arraycopy(data, off, buf, len, n);
        len += n;
        if (len > 8192) drain();
    }

    private void grow(int min) {
        buf = Arrays.copyOf(buf, Math.max(min, Math.max(INITIAL, buf.length * 2)));
    }

    private void drain() throws IOException {
        if (len > 0) {
            out.write(buf, 0, len);
            len = 0;
        }
        if (buf.length > 16 * 1024) buf = new byte[INITIAL];
    }
}
