package dev.letterbox.relay;

import dev.letterbox.smtp.Xtext;
import dev.letterbox.store.QueuedMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * A delivery status notification (RFC 3464, with RFC 3462's multipart/report): a human-readable
 * part, the machine-readable message/delivery-status with one block per recipient, and the
 * original message's header (RET=HDRS, the default) or the whole message (RET=FULL, when it is not
 * too big). For a message sent with SMTPUTF8 the global forms of RFC 6533 are used.
 */
public final class DeliveryReport {
    /** With RET=FULL, messages up to this size go back whole; larger ones as their header only. */
    static final long FULL_RETURN_LIMIT = 1 << 20;
    private static final int MAX_HEADER = 256 * 1024;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** RFC 3464 §2.3.3. */
    public enum Action { FAILED, DELAYED, DELIVERED, RELAYED }

    /**
     * One recipient's block. {@code reply} is the stored "NNN X.Y.Z text" (the status comes from
     * it); it becomes the Diagnostic-Code when {@code remoteMta} says a server gave it.
     */
    public record Entry(String address, Optional<String> orcpt, Action action, Optional<String> reply,
                        Optional<String> remoteMta, Optional<Instant> willRetryUntil) {}

    private DeliveryReport() {}

    /** The Subject of a report with these entries: failures first, then delays, then success. */
    public static String subject(List<Entry> entries) {
        if (entries.stream().anyMatch(e -> e.action() == Action.FAILED)) return "Undelivered Mail Returned to Sender";
        if (entries.stream().anyMatch(e -> e.action() == Action.DELAYED)) return "Delayed Mail (still being retried)";
        return "Successful Mail Delivery Report";
    }

    /**
     * Writes the report for {@code original} (its envelope and bytes) to {@code out}, addressed to
     * the original sender, from {@code reportingMta} (our host name).
     */
    public static void write(OutputStream out, String reportingMta, QueuedMessage.Envelope original, MessageBytes originalBytes,
                             List<Entry> entries, Instant now) throws IOException {
        boolean global = original.smtputf8();
        boolean full = original.ret().orElse(QueuedMessage.Ret.HDRS) == QueuedMessage.Ret.FULL
                && original.size() <= FULL_RETURN_LIMIT && original.body() != QueuedMessage.Body.BINARY_MIME;
        String boundary = "=_report_" + UUID.randomUUID();
        StringBuilder h = new StringBuilder();
        h.append("From: Mail Delivery System <MAILER-DAEMON@").append(reportingMta).append(">\r\n");
        h.append("To: <").append(original.sender()).append(">\r\n");
        h.append("Subject: ").append(subject(entries)).append("\r\n");
        h.append("Date: ").append(DATE.format(now)).append("\r\n");
        h.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(reportingMta).append(">\r\n");
        h.append("Auto-Submitted: auto-replied\r\n"); // RFC 3834 §5: no auto-reply to this
        h.append("MIME-Version: 1.0\r\n");
        h.append("Content-Type: multipart/report; report-type=").append(global ? "global-delivery-status" : "delivery-status")
                .append(";\r\n\tboundary=\"").append(boundary).append("\"\r\n\r\n");
        h.append("This is a MIME-encapsulated delivery status notification.\r\n\r\n");
        h.append("--").append(boundary).append("\r\n");
        h.append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        h.append(humanText(reportingMta, entries, original.ret().orElse(QueuedMessage.Ret.HDRS) == QueuedMessage.Ret.FULL && !full));
        h.append("\r\n--").append(boundary).append("\r\n");
        h.append("Content-Type: message/").append(global ? "global-delivery-status" : "delivery-status").append("\r\n\r\n");
        h.append(statusFields(reportingMta, original, entries, global, now));
        h.append("\r\n--").append(boundary).append("\r\n");
        if (full) {
            h.append("Content-Type: message/").append(global ? "global" : "rfc822").append("\r\n");
            h.append("Content-Description: the undelivered message\r\n\r\n");
        } else {
            h.append("Content-Type: ").append(global ? "message/global-headers" : "text/rfc822-headers").append("\r\n");
            h.append("Content-Description: the header of the undelivered message\r\n\r\n");
        }
        out.write(h.toString().getBytes(StandardCharsets.UTF_8));
        try (InputStream in = openOrNote(originalBytes, out)) {
            if (full) copyAll(in, out);
            else copyHeader(in, out);
        }
        out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static String humanText(String reportingMta, List<Entry> entries, boolean tooBigToReturn) {
        StringBuilder t = new StringBuilder();
        t.append("This is the mail system at ").append(reportingMta).append(".\r\n\r\n");
        for (Action action : Action.values()) {
            List<Entry> these = entries.stream().filter(e -> e.action() == action).toList();
            if (these.isEmpty()) continue;
            t.append(switch (action) {
                case FAILED -> "Your message could not be delivered to the following recipients. This is a permanent error;\r\n"
                        + "the message will not be tried again:";
                case DELAYED -> "Your message has not been delivered yet to the following recipients. It is still being\r\n"
                        + "tried; you do not need to send it again:";
                case DELIVERED -> "Your message was delivered to the following recipients:";
                case RELAYED -> "Your message was passed on to a server that does not send delivery reports,\r\n"
                        + "so this is the last report you will get for these recipients:";
            }).append("\r\n\r\n");
            for (Entry e : these) {
                t.append("  <").append(e.address()).append(">");
                e.remoteMta().ifPresent(m -> t.append(" (server ").append(m).append(")"));
                t.append("\r\n");
                e.reply().ifPresent(r -> t.append("    ").append(r).append("\r\n"));
                e.willRetryUntil().ifPresent(u -> t.append("    tried until ").append(DATE.format(u)).append("\r\n"));
            }
            t.append("\r\n");
        }
        if (tooBigToReturn) t.append("The message was too big to return whole; its header is attached.\r\n");
        return t.toString();
    }

    private static String statusFields(String reportingMta, QueuedMessage.Envelope original, List<Entry> entries, boolean global,
                                       Instant now) {
        StringBuilder s = new StringBuilder();
        s.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        original.envId().ifPresent(id -> s.append("Original-Envelope-Id: ").append(Xtext.encode(id)).append("\r\n"));
        s.append("Arrival-Date: ").append(DATE.format(original.received())).append("\r\n");
        for (Entry e : entries) {
            s.append("\r\n");
            s.append("Final-Recipient: ").append(addressType(e.address(), global)).append("; ").append(e.address()).append("\r\n");
            e.orcpt().ifPresent(o -> s.append("Original-Recipient: ").append(o).append("\r\n"));
            s.append("Action: ").append(e.action().name().toLowerCase(Locale.ROOT)).append("\r\n");
            s.append("Status: ").append(status(e)).append("\r\n");
            if (e.remoteMta().isPresent()) {
                s.append("Remote-MTA: dns; ").append(e.remoteMta().get()).append("\r\n");
                e.reply().ifPresent(r -> s.append("Diagnostic-Code: smtp; ").append(r).append("\r\n"));
            }
            if (e.action() != Action.DELIVERED) s.append("Last-Attempt-Date: ").append(DATE.format(now)).append("\r\n");
            e.willRetryUntil().ifPresent(u -> s.append("Will-Retry-Until: ").append(DATE.format(u)).append("\r\n"));
        }
        return s.toString();
    }

    /** RFC 3464 §2.3.4: the X.Y.Z of the reply, or the generic one of the action. */
    static String status(Entry e) {
        if (e.reply().isPresent()) {
            String[] parts = e.reply().get().split(" ", 3);
            if (parts.length >= 2 && parts[1].matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) return parts[1];
        }
        return switch (e.action()) {
            case FAILED -> "5.0.0";
            case DELAYED -> "4.0.0";
            case DELIVERED, RELAYED -> "2.0.0";
        };
    }

    /** RFC 6533 §3: a non-ASCII address is of type utf-8; others stay rfc822. */
    private static String addressType(String address, boolean global) {
        return global && !StandardCharsets.US_ASCII.newEncoder().canEncode(address) ? "utf-8" : "rfc822";
    }

    /** The original's bytes; if they cannot be read any more, a note instead (the report still goes out). */
    private static InputStream openOrNote(MessageBytes original, OutputStream out) throws IOException {
        try {
            return original.open();
        } catch (IOException gone) {
            out.write("X-Letterbox-Note: the original message could not be read any more\r\n".getBytes(StandardCharsets.US_ASCII));
            return InputStream.nullInputStream();
        }
    }

    private static void copyAll(InputStream in, OutputStream out) throws IOException {
        in.transferTo(out);
    }

    /** The original header up to (not including) the empty line, at most {@link #MAX_HEADER} octets. */
    private static void copyHeader(InputStream in, OutputStream out) throws IOException {
        byte[] buf = in.readNBytes(MAX_HEADER);
        int end = buf.length;
        for (int i = 0; i + 1 < buf.length; i++) {
            if (buf[i] == '\n' && (buf[i + 1] == '\n' || (buf[i + 1] == '\r' && i + 2 < buf.length && buf[i + 2] == '\n'))) {
                end = i + 1;
                break;
            }
        }
        out.write(buf, 0, end);
    }
}
