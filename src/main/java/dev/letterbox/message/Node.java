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

    /** A parenthesized list. */
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
