package dev.letterbox.sieve;

/**
 * One header field as it stands in the message: its name as written and its raw value (everything
 * after the colon, folding line breaks kept, without the final CRLF, encoded-words not decoded).
 * {@code name + ":" + value + "\r\n"} writes it back.
 */
public record HeaderField(String name, String value) {}
