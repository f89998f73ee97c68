package dev.letterbox.managesieve;

/** One element of a command as read: an atom (command name, number) or a string (quoted or literal). */
public sealed interface Token {
    record Atom(String text) implements Token {}

    /** A string's octets, after unescaping a quoted one; {@code literal} tells how it came. */
    record Str(byte[] octets, boolean literal) implements Token {}
}
