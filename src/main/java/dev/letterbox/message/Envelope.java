package dev.letterbox.message;

import java.util.List;

/**
 * The header fields of RFC 3501 §7.4.2 ENVELOPE as raw (undecoded, unfolded) text. {@code sender} and
 * {@code replyTo} are null when the field is absent or holds no address: rendering then repeats
 * {@code from}, as RFC 3501 requires. Address lists are empty when the field is absent.
 */
record Envelope(String date, String subject, List<Address> from, List<Address> sender, List<Address> replyTo,
                List<Address> to, List<Address> cc, List<Address> bcc, String inReplyTo, String messageId) {

    static final Envelope EMPTY = new Envelope(null, null, List.of(), null, null, List.of(), List.of(), List.of(), null, null);

    /**
     * One envelope address (name adl mailbox host). A group start is (NIL NIL group-name NIL), a group
     * end (NIL NIL NIL NIL), per RFC 3501 §7.4.2.
     */
    record Address(String name, String adl, String mailbox, String host) {
        boolean isGroupMarker() {
            return host == null;
        }
    }

    static Envelope of(HeaderBlock h) {
        List<Address> sender = AddressParser.parse(h.text("sender"));
        List<Address> replyTo = AddressParser.parse(h.text("reply-to"));
        return new Envelope(h.text("date"), h.text("subject"), AddressParser.parse(h.text("from")),
                sender.isEmpty() ? null : sender, replyTo.isEmpty() ? null : replyTo,
                AddressParser.parse(h.text("to")), AddressParser.parse(h.text("cc")), AddressParser.parse(h.text("bcc")),
                h.text("in-reply-to"), h.text("message-id"));
    }
}
