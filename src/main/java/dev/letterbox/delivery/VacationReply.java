package dev.letterbox.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.DefaultAddressParser;

/**
 * An out-of-office answer (RFC 5230 vacation, with the rules of RFC 3834 for automatic responses):
 * whether a delivered message may be answered, and the answer's bytes. Pure: the caller remembers
 * whom it answered ({@link #trackingKey}) and queues the answer with a null envelope sender.
 */
final class VacationReply {
    /** Longest reason or subject taken from a script; longer ones are cut. */
    static final int MAX_TEXT = 64 * 1024;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /** RFC 5230 §4.6: envelope senders whose local part says a list or a robot sent the message. */
    private static final List<String> ROBOT_PREFIXES = List.of("owner-", "mailer-daemon", "listserv", "majordomo");
    /** RFC 2369 and RFC 2919: a list sent it; RFC 5230 §4.6 says not to answer lists. */
    private static final Set<String> LIST_FIELDS = Set.of("list-id", "list-help", "list-subscribe", "list-unsubscribe",
            "list-post", "list-owner", "list-archive");

    /**
     * What the script asked for (RFC 5230 §4, RFC 6131 :seconds): {@code period} is how long the
     * same sender gets no second answer (zero: answer every time); {@code addresses} are the user's
     * other addresses (:addresses), besides the account's.
     */
    record Request(String reason, Optional<String> subject, Optional<String> from, boolean mime, Duration period,
                   Optional<String> handle, List<String> addresses) {}

    /** The message being answered: its envelope sender and its header fields. */
    record Original(String envelopeSender, List<HeaderFields.Field> header) {
        Optional<String> field(String name) {
            for (HeaderFields.Field f : header) if (f.name().equalsIgnoreCase(name)) return Optional.of(f.value());
            return Optional.empty();
        }
    }

    private VacationReply() {}

    /**
     * Why no answer may go, or empty when one may (RFC 5230 §4.5-4.6, RFC 3834 §2). {@code own}: every
     * address of the user in lower case (the account's, its aliases', and the request's).
     */
    static Optional<String> whyNot(Original o, Set<String> own) {
        String sender = o.envelopeSender().toLowerCase(Locale.ROOT);
        if (sender.isEmpty()) return Optional.of("null sender (a bounce)");
        if (own.contains(sender)) return Optional.of("sent by the user");
        String local = sender.contains("@") ? sender.substring(0, sender.lastIndexOf('@')) : sender;
        for (String p : ROBOT_PREFIXES) if (local.startsWith(p)) return Optional.of("sender " + local + " is a robot or list");
        if (local.endsWith("-request")) return Optional.of("sender " + local + " is a list");
        Optional<String> auto = o.field("Auto-Submitted").map(v -> firstToken(v));
        if (auto.isPresent() && !auto.get().equals("no")) return Optional.of("Auto-Submitted: " + auto.get());
        for (HeaderFields.Field f : o.header()) {
            if (LIST_FIELDS.contains(f.name().toLowerCase(Locale.ROOT))) return Optional.of("a list sent it (" + f.name() + ")");
        }
        Optional<String> precedence = o.field("Precedence").map(v -> firstToken(v));
        if (precedence.isPresent() && Set.of("bulk", "junk", "list").contains(precedence.get())) {
            return Optional.of("Precedence: " + precedence.get());
        }
        if (!addressedToUser(o, own)) return Optional.of("the user is not among the To/Cc/Bcc addresses");
        return Optional.empty();
    }

    /** RFC 5230 §4.5: only messages that name the user in a To, Cc, Bcc or Resent-* field are answered. */
    private static boolean addressedToUser(Original o, Set<String> own) {
        for (HeaderFields.Field f : o.header()) {
            String name = f.name().toLowerCase(Locale.ROOT);
            if (!Set.of("to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc").contains(name)) continue;
            for (String address : addresses(utf8(f.value()))) if (own.contains(address)) return true;
        }
        return false;
    }

    /** The addresses of an address-list field, lower case; unparseable fields name none. */
    static List<String> addresses(String value) {
        try {
            AddressList list = DefaultAddressParser.DEFAULT.parseAddressList(value, DecodeMonitor.SILENT);
            return list.flatten().stream().map(Mailbox::getAddress).map(a -> a.toLowerCase(Locale.ROOT)).toList();
        } catch (Exception e) { // a malformed field is the sender's problem: it names nobody
            return List.of();
        }
    }

    /**
     * Who the answer is from when the script did not say (RFC 5230 §4.3 / §5.3): the user's address
     * the message was sent to, as the To/Cc fields name it; else the account's.
     */
    static String replyFrom(Original o, String accountAddress, Set<String> own) {
        for (HeaderFields.Field f : o.header()) {
            String name = f.name().toLowerCase(Locale.ROOT);
            if (!name.equals("to") && !name.equals("cc")) continue;
            for (String address : addresses(utf8(f.value()))) if (own.contains(address)) return address;
        }
        return accountAddress;
    }

    /**
     * The key under which "answered this sender" is remembered (RFC 5230 §4.2): per account, per
     * handle (by default, one derived from what the answer says), per sender, case-insensitively.
     */
    static String trackingKey(long accountId, Request r, String sender) {
        String handle = r.handle().orElseGet(() -> "auto:" + r.subject().orElse("") + "\0" + r.from().orElse("") + "\0"
                + r.mime() + "\0" + r.reason());
        return "vacation:" + accountId + ":" + sha256(handle + "\0" + sender.toLowerCase(Locale.ROOT));
    }

    /**
     * The answer (RFC 5230 §5): to the envelope sender, from {@code from}, with Auto-Submitted:
     * auto-replied, In-Reply-To and References pointing at the original, the subject asked for or
     * "Auto: " and the original's, and the reason as a text/plain UTF-8 body, or as the MIME entity
     * the script wrote (:mime).
     */
    static byte[] compose(Request r, Original o, String from, String hostname, Instant now) {
        StringBuilder m = new StringBuilder();
        m.append("From: ").append(from).append("\r\n");
        m.append("To: <").append(o.envelopeSender()).append(">\r\n");
        m.append("Subject: ").append(encodeText(subject(r, o))).append("\r\n");
        m.append("Date: ").append(DATE.format(now)).append("\r\n");
        m.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(hostname).append(">\r\n");
        Optional<String> messageId = o.field("Message-ID").map(String::strip).filter(id -> id.startsWith("<"));
        if (messageId.isPresent()) {
            m.append("In-Reply-To: ").append(messageId.get()).append("\r\n");
            String references = o.field("References").map(v -> v.strip() + " ").orElse("");
            m.append("References: ").append(references).append(messageId.get()).append("\r\n");
        }
        m.append("Auto-Submitted: auto-replied (vacation)\r\n"); // RFC 3834 §5: nobody answers this one
        m.append("Precedence: bulk\r\n");
        m.append("MIME-Version: 1.0\r\n");
        String reason = cut(r.reason());
        if (r.mime()) {
            // the reason is a MIME entity: its own header fields, then its body (RFC 5230 §4.4)
            m.append(reason.replace("\r\n", "\n").replace("\n", "\r\n"));
        } else {
            m.append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
            m.append(reason.replace("\r\n", "\n").replace("\n", "\r\n"));
        }
        if (m.charAt(m.length() - 1) != '\n') m.append("\r\n");
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String subject(Request r, Original o) {
        if (r.subject().isPresent()) return cut(r.subject().get());
        String original = o.field("Subject").map(v -> DecoderUtil.decodeEncodedWords(utf8(v), DecodeMonitor.SILENT)).orElse("");
        return "Auto: " + cut(original);
    }

    /** RFC 2047 encoded words when the text is not plain ASCII. */
    private static String encodeText(String text) {
        String oneLine = text.replaceAll("[\\r\\n]+", " ");
        return EncoderUtil.hasToBeEncoded(oneLine, 0)
                ? EncoderUtil.encodeEncodedWord(oneLine, EncoderUtil.Usage.TEXT_TOKEN, 9, StandardCharsets.UTF_8, null)
                : oneLine;
    }

    /** Header values are read as ISO-8859-1 bytes; a UTF-8 header (RFC 6532) reads right again this way. */
    static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static String firstToken(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < v.length() && !Character.isWhitespace(v.charAt(end)) && v.charAt(end) != ';' && v.charAt(end) != '(') end++;
        return v.substring(0, end);
    }

    private static String cut(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    }

    /** SHA-256 of the UTF-8 text, in hex: keys of what the store remembers, of any length, made short. */
    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
