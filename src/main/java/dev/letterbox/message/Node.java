package dev.letterbox.message;

import java.util.List;

/**
 * A neutral response tree for ENVELOPE and BODYSTRUCTURE that the IMAP writer renders: the writer
 * decides between quoted strings and literals, this package only decides what the values are.
 */
public sealed interface Node {
    /** IMAP NIL. */
    record Nil() implements Node {}

    /** A string; may contain any UTF-8 (the writer picks quoted or literal). */
    record Text(String value) implements Node {}

    /** A number. */
    record Number(long value) implements Node {}

    /**
     * A parenthesized list. Spacing rule for writers, which reproduces the RFC 3501 §9 grammar for
     * ENVELOPE and BODYSTRUCTURE: items are separated by one space, except that the lists forming a
     * leading run of lists are written back to back — "(" 1*address ")" and a multipart's 1*body
     * have no space between their elements ({@code (("a" NIL "b" "c")("d" NIL "e" "f"))},
     * {@code (("text" ...)("image" ...) "mixed" ...)}), while {@code env-from SP env-sender} do,
     * because an envelope starts with the date (a string or NIL).
     */
    record ListNode(List<Node> items) implements Node {
        public ListNode {
            items = List.copyOf(items);
        }
    }

    Node NIL = new Nil();

    /** NIL for null, else a string. */
    static Node textOrNil(String value) {
        return value == null ? NIL : new Text(value);
    }

    static Node list(Node... items) {
        return new ListNode(List.of(items));
    }
}
