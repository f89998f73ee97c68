package dev.letterbox.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes the XML documents the auto-configuration endpoints answer with, indented, every text and
 * attribute value escaped, so no handler concatenates markup. Elements close in order ({@link #end()}
 * closes the innermost); {@link #bytes()} fails while one is still open.
 */
final class XmlWriter {
    private final StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    private final Deque<String> open = new ArrayDeque<>();

    /** A document type declaration, verbatim (only the plist one, a constant, is ever written). */
    XmlWriter doctype(String declaration) {
        sb.append(declaration).append('\n');
        return this;
    }

    /** Opens an element; {@code attributes} alternate names and values. */
    XmlWriter start(String name, String... attributes) {
        indent();
        sb.append('<').append(name);
        appendAttributes(attributes);
        sb.append(">\n");
        open.push(name);
        return this;
    }

    /** An element holding only text. */
    XmlWriter element(String name, String text) {
        indent();
        sb.append('<').append(name).append('>');
        escape(text, false);
        sb.append("</").append(name).append(">\n");
        return this;
    }

    XmlWriter element(String name, long number) {
        return element(name, Long.toString(number));
    }

    /** An empty element such as {@code <true/>}. */
    XmlWriter empty(String name) {
        indent();
        sb.append('<').append(name).append("/>\n");
        return this;
    }

    XmlWriter end() {
        String name = open.pop();
        indent();
        sb.append("</").append(name).append(">\n");
        return this;
    }

    byte[] bytes() {
        if (!open.isEmpty()) throw new IllegalStateException("element <" + open.peek() + "> is not closed");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void appendAttributes(String[] attributes) {
        if (attributes.length % 2 != 0) throw new IllegalArgumentException("attributes come in name/value pairs");
        for (int i = 0; i < attributes.length; i += 2) {
            sb.append(' ').append(attributes[i]).append("=\"");
            escape(attributes[i + 1], true);
            sb.append('"');
        }
    }

    private void indent() {
        sb.append("  ".repeat(open.size()));
    }

    /** Escapes markup characters; refuses characters XML 1.0 cannot carry at all (§2.2). */
    private void escape(String text, boolean attribute) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append(attribute ? "&quot;" : "\"");
                default -> {
                    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xfffe || c == 0xffff) {
                        throw new IllegalArgumentException("character U+" + Integer.toHexString(c) + " cannot appear in XML");
                    }
                    sb.append(c);
                }
            }
        }
    }
}
