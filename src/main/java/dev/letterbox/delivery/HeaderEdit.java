package dev.letterbox.delivery;

/**
 * A change a filter asked for inside the message's header section (a milter's change or insert
 * header). Applied to the header section only, before the message is stored; the body is never
 * touched.
 */
@FunctionalInterface
public interface HeaderEdit {
    /** The changed header section, given the header section (ending with its empty line). */
    byte[] apply(byte[] headerSection);
}
