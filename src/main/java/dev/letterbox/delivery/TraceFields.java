package dev.letterbox.delivery;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The header fields Letterbox adds in front of a message, as bytes ready to prepend: Return-Path
 * (RFC 5321 §4.4, at final delivery), Received (RFC 5321 §4.4 with RFC 3848 / RFC 6531 protocol
 * names), and on submission a missing Date and Message-ID (RFC 6409 §8.2, §8.3).
 */
final class TraceFields {
    /** RFC 5322 §3.3 date-time, numeric zone. */
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);
    private static final SecureRandom RANDOM = new SecureRandom();

    private TraceFields() {}

    /** {@code sender} as it appears between the angle brackets; empty for {@code <>}. */
    static byte[] returnPath(String sender) {
        return bytes("Return-Path: <" + sender + ">\r\n");
    }

    /**
     * {@code Received: from HELO ([ip]) by HOST (Letterbox) with PROTO (TLS) id ID for <rcpt>; date}.
     * {@code forRecipient} null when there are several.
     */
    static byte[] received(Envelope.Client client, String hostname, String forRecipient, ZonedDateTime when) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("Received: from ").append(safeHelo(client.helo())).append(" ([")
                .append(client.address().getHostAddress()).append("])\r\n");
        sb.append("\tby ").append(hostname).append(" (Letterbox) with ").append(client.protocol());
        client.tls().ifPresent(tls -> sb.append(" (").append(tls).append(')'));
        sb.append("\r\n\tid ").append(client.id());
        if (forRecipient != null) sb.append("\r\n\tfor <").append(forRecipient).append('>');
        sb.append(";\r\n\t").append(DATE.format(when)).append("\r\n");
        return bytes(sb.toString());
    }

    static byte[] date(ZonedDateTime when) {
        return bytes("Date: " + DATE.format(when) + "\r\n");
    }

    static byte[] messageId(String hostname) {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        return bytes("Message-ID: <" + HexFormat.of().formatHex(random) + "." + System.currentTimeMillis()
                + "@" + hostname + ">\r\n");
    }

    /** The client's HELO word, kept to characters that cannot break the field's syntax. */
    private static String safeHelo(String helo) {
        StringBuilder sb = new StringBuilder(helo.length());
        for (int i = 0; i < helo.length() && i < 255; i++) {
            char c = helo.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '[' || c == ']' || c == ':' || c == '_';
            sb.append(ok ? c : '?');
        }
        return sb.toString();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
