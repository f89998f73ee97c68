package dev.letterbox.message;

/**
 * Test-only rendering of a {@link Node} tree in IMAP syntax: every string quoted (backslash and quote
 * escaped), so expected values can be written as plain text. The real writer (literals, 8-bit) is the
 * IMAP server's. Spacing follows {@link Node.ListNode}: no space inside a leading run of lists.
 */
final class NodeText {
    private NodeText() {}

    static String render(Node node) {
        StringBuilder b = new StringBuilder();
        render(node, b);
        return b.toString();
    }

    private static void render(Node node, StringBuilder b) {
        switch (node) {
            case Node.Nil nil -> b.append("NIL");
            case Node.Number n -> b.append(n.value());
            case Node.Text t -> {
                b.append('"');
                for (char c : t.value().toCharArray()) {
                    if (c == '"' || c == '\\') b.append('\\');
                    b.append(c);
                }
                b.append('"');
            }
            case Node.ListNode l -> {
                b.append('(');
                boolean leadingLists = true;
                for (int i = 0; i < l.items().size(); i++) {
                    Node item = l.items().get(i);
                    leadingLists &= item instanceof Node.ListNode;
                    if (i > 0 && !leadingLists) b.append(' ');
                    render(item, b);
                }
                b.append(')');
            }
        }
    }
}
