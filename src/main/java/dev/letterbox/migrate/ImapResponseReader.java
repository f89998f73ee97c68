package dev.letterbox.migrate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a server's responses: one response is a line that may carry literals ({n} then n bytes),
 * and the values in it (atoms, quoted strings, literals, NIL, parenthesised lists) come out as a
 * list of String / List / null. Bounded: a line part at most {@link #MAX_LINE} bytes, a literal
 * kept in memory at most {@link #MAX_LITERAL}; a bigger one is streamed only when asked for
 * ({@link #streamNextLiteralTo}).
 */
final class ImapResponseReader {
    static final int MAX_LINE = 1 << 20;
    static final int MAX_LITERAL = 1 << 20;

    private final InputStream in;
    /** Where the next literal goes instead of memory (one message's bytes), or null. */
    private OutputStream literalSink;

    ImapResponseReader(InputStream in) {
        this.in = in;
    }

    /** The next literal of the response being read is written to {@code sink} (and reads as ""). */
    void streamNextLiteralTo(OutputStream sink) {
        this.literalSink = sink;
    }

    /** The next response's values, the first being "*", "+" or the tag. */
    List<Object> next() throws IOException {
        List<Object> root = new ArrayList<>();
        List<List<Object>> stack = new ArrayList<>();
        stack.add(root);
        while (true) {
            byte[] line = readLine();
            int i = 0, n = line.length;
            while (i < n) {
                byte b = line[i];
                List<Object> top = stack.getLast();
                if (b == ' ') {
                    i++;
                } else if (b == '(') {
                    List<Object> list = new ArrayList<>();
                    top.add(list);
                    stack.add(list);
                    i++;
                } else if (b == ')') {
                    if (stack.size() == 1) throw new IOException("unbalanced ')' in server response");
                    stack.removeLast();
                    i++;
                } else if (b == '"') {
                    StringBuilder s = new StringBuilder();
                    i++;
                    while (i < n && line[i] != '"') {
                        if (line[i] == '\\' && i + 1 < n) i++;
                        s.append((char) (line[i] & 0xff));
                        i++;
                    }
                    i++;
                    top.add(s.toString());
                } else if (b == '{' && line[n - 1] == '}' && lastBrace(line) == i) {
                    long size = Long.parseLong(new String(line, i + 1, n - i - 2, StandardCharsets.US_ASCII).replace("+", ""));
                    top.add(readLiteral(size));
                    i = n;
                    break;
                } else {
                    int start = i;
                    int depth = 0; // BODY[HEADER.FIELDS (A B)] keeps its brackets together
                    while (i < n && (depth > 0 || line[i] != ' ' && line[i] != '(' && line[i] != ')')) {
                        if (line[i] == '[') depth++;
                        if (line[i] == ']') depth--;
                        i++;
                    }
                    String atom = new String(line, start, i - start, StandardCharsets.ISO_8859_1);
                    top.add(atom.equalsIgnoreCase("NIL") ? null : atom);
                }
            }
            if (!(line.length > 0 && line[line.length - 1] == '}' && lastBrace(line) >= 0)) return root;
        }
    }

    private static int lastBrace(byte[] line) {
        for (int i = line.length - 1; i >= 0; i--) {
            if (line[i] == '{') return i;
            if (line[i] != '}' && line[i] != '+' && (line[i] < '0' || line[i] > '9')) return -1;
        }
        return -1;
    }

    private String readLiteral(long size) throws IOException {
        OutputStream sink = literalSink;
        literalSink = null;
        if (sink == null && size > MAX_LITERAL) throw new IOException("server sent a literal of " + size + " bytes where none was expected");
        OutputStream out = sink != null ? sink : new ByteArrayOutputStream((int) size);
        byte[] buffer = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (r < 0) throw new IOException("connection closed in a literal");
            out.write(buffer, 0, r);
            left -= r;
        }
        return sink != null ? "" : ((ByteArrayOutputStream) out).toString(StandardCharsets.UTF_8);
    }

    /** A line without its CRLF. */
    private byte[] readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int prev = -1;
        while (true) {
            int b = in.read();
            if (b < 0) throw new IOException("the server closed the connection");
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length - (prev == '\r' ? 1 : 0);
                return java.util.Arrays.copyOf(bytes, n);
            }
            if (line.size() >= MAX_LINE) throw new IOException("server response line too long");
            line.write(b);
            prev = b;
        }
    }
}
