package dev.letterbox.sieve;

/**
 * A leaf MIME part for the body test (RFC 5173): its content type in lower case ("text/plain") and
 * its content with the transfer encoding removed and the charset decoded. For text/html the caller
 * may give the text without markup (what ":text" means by "the text of the message").
 */
public record BodyPart(String contentType, String text) {}
