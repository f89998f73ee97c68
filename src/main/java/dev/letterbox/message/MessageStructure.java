package dev.letterbox.message;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parsed-once structure of one stored message: the MIME part tree with byte offsets into the blob,
 * plus what ENVELOPE, BODYSTRUCTURE, SORT, THREAD and SEARCH need. Immutable and thread-safe. Never
 * fails on broken MIME: it degrades as described on {@link MimeTreeBuilder} (e.g. a multipart without
 * boundary is one text part). {@link #serialize()} gives the compact form kept in the store (first
 * byte = format version), {@link #deserialize} reads it back.
 */
public final class MessageStructure {
    /** References kept for THREAD; the last ones (nearest ancestors) matter, older ones are dropped. */
    private static final int MAX_REFERENCES = 500;

    private final long size;
    private final MimePart root;
    private final String subject;
    private final String baseSubject;
    private final Instant sentDate;
    private final List<String> references;
    private volatile Node envelopeNode;
    private volatile Node bodyNode;
    private volatile Node bodyStructureNode;

    /** {@code subject} null means "the envelope's subject as is". */
    MessageStructure(long size, MimePart root, String subject, String baseSubject, Instant sentDate, List<String> references) {
        this.size = size;
        this.root = root;
        String raw = root.envelope().subject();
        this.subject = subject != null ? subject : raw == null ? "" : raw;
        this.baseSubject = baseSubject;
        this.sentDate = sentDate;
        this.references = List.copyOf(references);
    }

    /** Parses a whole message; reads {@code rawMessage} to its end (does not close it). */
    public static MessageStructure parse(InputStream rawMessage) throws IOException {
        MimeTreeBuilder.Result r = MimeTreeBuilder.build(rawMessage);
        Envelope e = r.root().envelope();
        String subject = e.subject() == null ? "" : HeaderBlock.decodeWords(e.subject());
        List<String> refs = messageIds(r.header().text("references"), Integer.MAX_VALUE);
        if (refs.isEmpty()) refs = messageIds(r.header().text("in-reply-to"), 1);
        if (refs.size() > MAX_REFERENCES) refs = refs.subList(refs.size() - MAX_REFERENCES, refs.size());
        return new MessageStructure(r.size(), r.root(), subject, BaseSubject.of(subject),
                MessageDate.parse(e.date()).orElse(null), refs);
    }

    /**
     * The structure of this message with {@code length} octets of header fields put in front (trace
     * and authentication fields added at delivery): every offset moves by {@code length}, the top-level
     * header now starts at 0 and includes them. Equal to parsing the longer message, as long as the
     * added fields hold none of the fields ENVELOPE reads.
     */
    public MessageStructure afterPrefix(long length) {
        if (length == 0) return this;
        return new MessageStructure(size + length, shifted(root, length, true), subject, baseSubject, sentDate, references);
    }

    private static MimePart shifted(MimePart p, long by, boolean top) {
        List<MimePart> children = new ArrayList<>(p.children().size());
        for (MimePart c : p.children()) children.add(shifted(c, by, false));
        return new MimePart(p.kind(), top ? p.headerStart() : p.headerStart() + by, p.bodyStart() + by, p.end() + by,
                p.lines(), p.content(), children, p.envelope(), p.message() == null ? null : shifted(p.message(), by, false));
    }

    /** Compact binary form for the store; first byte is the format version. */
    public byte[] serialize() {
        return StructureCodec.encode(this);
    }

    /** Reads {@link #serialize()} output; throws IllegalArgumentException on garbage or an unknown format. */
    public static MessageStructure deserialize(byte[] data) {
        return StructureCodec.decode(data);
    }

    /** Octets of the whole message. */
    public long size() {
        return size;
    }

    /**
     * RFC 3501 §7.4.2 ENVELOPE (also RFC 9051): header values as raw (undecoded, unfolded) strings,
     * addresses split into (name adl mailbox host), groups per RFC 3501 (NIL host markers).
     */
    public Node envelope() {
        Node n = envelopeNode;
        if (n == null) envelopeNode = n = BodyStructureBuilder.envelope(root.envelope());
        return n;
    }

    /**
     * {@code true}: BODYSTRUCTURE (with extension data: md5, disposition, language, location);
     * {@code false}: BODY (non-extensible). Per RFC 3501 §7.4.2 / RFC 9051 §7.5.2 incl. message/rfc822
     * (envelope, body, lines), text/* line counts, nested multiparts.
     */
    public Node bodyStructure(boolean extensible) {
        if (extensible) {
            Node n = bodyStructureNode;
            if (n == null) bodyStructureNode = n = BodyStructureBuilder.body(root, true);
            return n;
        }
        Node n = bodyNode;
        if (n == null) bodyNode = n = BodyStructureBuilder.body(root, false);
        return n;
    }

    /**
     * RFC 3501 §6.4.5 part numbering: [] = whole message, [1] = first part (or the body of a
     * non-multipart message), [2,1] = ...; a message/rfc822 part's sub-parts continue its number.
     *
     * <p>[] is described like a message/rfc822 part holding the whole blob: body [0, size), embedded
     * header and body = the message's HEADER and TEXT. The part of a non-multipart message ([1]) has
     * the message header as its MIME header. Numbers past a leaf are empty.
     */
    public Optional<Part> part(int[] path) {
        if (path.length == 0) {
            return Optional.of(new Part(0, 0, size, "message", "rfc822", "7bit", null, true, 0, root.bodyStart()));
        }
        return entity(path).map(MessageStructure::toPart);
    }

    /**
     * The extensible BODYSTRUCTURE of one part, as URLFETCH's BODYPARTSTRUCTURE gives it (RFC 5524
     * §3); the whole message's for []. Empty when the message has no such part.
     */
    public Optional<Node> partStructure(int[] path) {
        if (path.length == 0) return Optional.of(bodyStructure(true));
        return entity(path).map(p -> BodyStructureBuilder.body(p, true));
    }

    /** The entity at a part path (not []), or empty. */
    Optional<MimePart> entity(int[] path) {
        MimePart node = null;
        MimePart message = root;
        for (int index : path) {
            if (index < 1) return Optional.empty();
            if (node != null && node.kind() == MimePart.Kind.MESSAGE) {
                message = node.message();
                node = null;
            }
            if (node == null) {
                if (message.kind() == MimePart.Kind.MULTIPART) {
                    if (index > message.children().size()) return Optional.empty();
                    node = message.children().get(index - 1);
                } else {
                    if (index != 1) return Optional.empty();
                    node = message;
                }
            } else if (node.kind() == MimePart.Kind.MULTIPART) {
                if (index > node.children().size()) return Optional.empty();
                node = node.children().get(index - 1);
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(node);
    }

    private static Part toPart(MimePart p) {
        ContentInfo c = p.content();
        boolean message = p.kind() == MimePart.Kind.MESSAGE;
        return new Part(p.headerStart(), p.bodyStart(), p.end(),
                c.type().toLowerCase(Locale.ROOT), c.subtype().toLowerCase(Locale.ROOT), c.encodingLower(),
                c.param("charset"), message,
                message ? p.message().headerStart() : -1, message ? p.message().bodyStart() : -1);
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

    /** From Date:, empty if absent/unparsable (RFC 5256 SORT DATE then uses INTERNALDATE). */
    public Optional<Instant> sentDate() {
        return Optional.ofNullable(sentDate);
    }

    /** RFC 5256 §2.1 base subject (decoded, white space collapsed; letter case kept: compare with i;ascii-casemap). */
    public String baseSubject() {
        return baseSubject;
    }

    /** Decoded (RFC 2047) subject, "" if none. */
    public String subject() {
        return subject;
    }

    /** RFC 5256 §3 FROM: addr-mailbox of the first From address, lower-case, "" if none. */
    public String sortFrom() {
        return sortMailbox(root.envelope().from());
    }

    /** RFC 5256 §3 TO: addr-mailbox of the first To address, lower-case, "" if none. */
    public String sortTo() {
        return sortMailbox(root.envelope().to());
    }

    /** RFC 5256 §3 CC: addr-mailbox of the first Cc address, lower-case, "" if none. */
    public String sortCc() {
        return sortMailbox(root.envelope().cc());
    }

    /**
     * The first address as ENVELOPE gives it (RFC 3501 §7.4.2): when the field starts with a group,
     * that is the group's start marker, whose mailbox is the group name ("undisclosed-recipients"
     * of "undisclosed-recipients:;"), not the group's first member.
     */
    private static Envelope.Address first(List<Envelope.Address> list) {
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    private static String sortMailbox(List<Envelope.Address> list) {
        Envelope.Address a = first(list);
        if (a == null || a.mailbox() == null || a.mailbox().equals(AddressParser.MISSING_MAILBOX)) return "";
        return a.mailbox().toLowerCase(Locale.ROOT);
    }

    /** RFC 5957 DISPLAYFROM: decoded display name of the first From address, else its address; "" if none. */
    public String displayFrom() {
        return display(root.envelope().from());
    }

    /** RFC 5957 DISPLAYTO: decoded display name of the first To address, else its address; "" if none. */
    public String displayTo() {
        return display(root.envelope().to());
    }

    /** A group's start marker has no name and no host: it shows as the group name. */
    private static String display(List<Envelope.Address> list) {
        Envelope.Address a = first(list);
        if (a == null || a.mailbox() == null) return "";
        if (a.name() != null && !a.name().isBlank()) return HeaderBlock.decodeWords(a.name());
        if (a.mailbox().equals(AddressParser.MISSING_MAILBOX)) return "";
        if (a.isGroupMarker()) return HeaderBlock.decodeWords(a.mailbox());
        return a.host().equals(AddressParser.MISSING_DOMAIN) ? a.mailbox() : a.mailbox() + "@" + a.host();
    }

    /**
     * The addresses of the From, To, Cc or Bcc field ({@code field} in any case) as ENVELOPE parses
     * them, written plainly: comments and quoting gone, display names decoded (RFC 2047), each as
     * {@code name <mailbox@host>} or {@code mailbox@host}, a group as {@code name: ...;}, separated by
     * ", ". SEARCH FROM/TO/CC/BCC match this as well as the header text, so an address written with
     * comments inside it ({@code <user (comment)@ (comment) example.org>}) is found by the address.
     * "" for other fields or when the field has no address.
     */
    public String addressText(String field) {
        Envelope e = root.envelope();
        List<Envelope.Address> list = switch (field.toLowerCase(Locale.ROOT)) {
            case "from" -> e.from();
            case "to" -> e.to();
            case "cc" -> e.cc();
            case "bcc" -> e.bcc();
            default -> List.of();
        };
        StringBuilder sb = new StringBuilder();
        String separator = "";
        for (Envelope.Address a : list) {
            if (a.isGroupMarker()) {
                if (a.mailbox() == null) { // the group's end
                    sb.append(';');
                    separator = ", ";
                } else {
                    sb.append(separator).append(HeaderBlock.decodeWords(a.mailbox())).append(':');
                    separator = " ";
                }
                continue;
            }
            String name = a.name() == null || a.name().isBlank() ? "" : HeaderBlock.decodeWords(a.name());
            String addr = a.mailbox().equals(AddressParser.MISSING_MAILBOX) ? ""
                    : a.host().equals(AddressParser.MISSING_DOMAIN) ? a.mailbox() : a.mailbox() + "@" + a.host();
            String text = name.isEmpty() ? addr : addr.isEmpty() ? name : name + " <" + addr + ">";
            if (text.isEmpty()) continue;
            sb.append(separator).append(text);
            separator = ", ";
        }
        return sb.toString();
    }

    /** The Message-ID as "<...>", or "" when there is none. */
    public String messageId() {
        List<String> ids = messageIds(root.envelope().messageId(), 1);
        return ids.isEmpty() ? "" : ids.get(0);
    }

    /** Message-ids from References (or the first of In-Reply-To when there is none), oldest first, for THREAD. */
    public List<String> references() {
        return references;
    }

    /** The "<...>" tokens of a field, at most {@code max}. */
    private static List<String> messageIds(String value, int max) {
        List<String> out = new ArrayList<>();
        if (value == null) return out;
        int i = 0;
        while (out.size() < max) {
            int open = value.indexOf('<', i);
            if (open < 0) break;
            int close = value.indexOf('>', open + 1);
            if (close < 0) break;
            int nextOpen = value.indexOf('<', open + 1);
            if (nextOpen >= 0 && nextOpen < close) {
                i = nextOpen;          // "<a <b>": the inner one is the id
                continue;
            }
            if (close > open + 1) out.add(value.substring(open, close + 1).replace(" ", "").replace("\t", ""));
            i = close + 1;
        }
        return out;
    }

    MimePart root() {
        return root;
    }

    Envelope envelopeData() {
        return root.envelope();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageStructure m && size == m.size && root.equals(m.root) && subject.equals(m.subject)
                && baseSubject.equals(m.baseSubject) && java.util.Objects.equals(sentDate, m.sentDate)
                && references.equals(m.references);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(size, root, subject, baseSubject, references);
    }

    @Override
    public String toString() {
        return "MessageStructure[size=" + size + ", subject=" + subject + "]";
    }
}
