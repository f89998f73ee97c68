package dev.letterbox.message;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Parsed-once structure of one stored message (parsed with Apache James mime4j): the MIME part tree
 * with byte offsets into the blob, plus what ENVELOPE, BODYSTRUCTURE, SORT, THREAD and SEARCH need.
 * Immutable. Never fails on broken MIME: degrades as other servers do (e.g. missing boundary -> the
 * body is one text part). Compact binary serialization for the store (versioned: first byte = format).
 */
public final class MessageStructure {

    /** Parses a whole message; reads {@code rawMessage} to its end (does not close it). */
    public static MessageStructure parse(InputStream rawMessage) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Compact binary form for the store; first byte is the format version. */
    public byte[] serialize() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Reads {@link #serialize()} output; throws IllegalArgumentException on garbage or unknown format. */
    public static MessageStructure deserialize(byte[] data) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Octets of the whole message. */
    public long size() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * RFC 3501 §7.4.2 ENVELOPE (also RFC 9051): header values as raw (undecoded) strings, addresses
     * split into (name adl mailbox host), groups per RFC 3501 (NIL host markers).
     */
    public Node envelope() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * {@code true}: BODYSTRUCTURE (with extension data: md5, disposition, language, location);
     * {@code false}: BODY (non-extensible). Per RFC 3501 §7.4.2 / RFC 9051 §7.5.2 incl. message/rfc822
     * (envelope, body, lines), text/* line counts, nested multiparts.
     */
    public Node bodyStructure(boolean extensible) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * RFC 3501 §6.4.5 part numbering: [] = whole message, [1] = first part (or the body of a
     * non-multipart message), [2,1] = ...; a message/rfc822 part's sub-parts continue its number.
     */
    public Optional<Part> part(int[] path) {
        throw new UnsupportedOperationException("not yet");
    }

    /** One addressable part. Offsets are absolute positions in the blob. */
    public record Part(long headerStart,   // start of this part's MIME header (for [n.MIME]) or of the message header
                       long bodyStart,     // first octet after the blank line
                       long end,           // end of this part's body (exclusive)
                       String mediaType, String mediaSubtype,   // lower-case, e.g. "text", "plain"
                       String transferEncoding,                 // lower-case, "7bit" default
                       String charset,                          // or null
                       boolean isMessageRfc822,                 // then [n.HEADER]/[n.TEXT] address the embedded message
                       long embeddedHeaderStart, long embeddedBodyStart) {}  // for message/rfc822 parts, else -1

    /** From Date:, empty if absent/unparsable (RFC 5256 SORT DATE falls back to INTERNALDATE). */
    public Optional<Instant> sentDate() {
        throw new UnsupportedOperationException("not yet");
    }

    /** RFC 5256 §2.1 base subject (decoded, normalised). */
    public String baseSubject() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Decoded (RFC 2047) subject, "" if none. */
    public String subject() {
        throw new UnsupportedOperationException("not yet");
    }

    /** RFC 5256: first From mailbox's addr-mailbox, lower-case, "" if none. */
    public String sortFrom() {
        throw new UnsupportedOperationException("not yet");
    }

    /** RFC 5256: first To mailbox's addr-mailbox, lower-case, "" if none. */
    public String sortTo() {
        throw new UnsupportedOperationException("not yet");
    }

    /** RFC 5256: first Cc mailbox's addr-mailbox, lower-case, "" if none. */
    public String sortCc() {
        throw new UnsupportedOperationException("not yet");
    }

    /** RFC 5957 DISPLAYFROM: decoded display name of the first From address, else its address. */
    public String displayFrom() {
        throw new UnsupportedOperationException("not yet");
    }

    /** RFC 5957 DISPLAYTO: decoded display name of the first To address, else its address. */
    public String displayTo() {
        throw new UnsupportedOperationException("not yet");
    }

    /** "<...>" or "". */
    public String messageId() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Message-ids from References (or In-Reply-To fallback) for THREAD=REFERENCES, oldest first. */
    public List<String> references() {
        throw new UnsupportedOperationException("not yet");
    }
}
