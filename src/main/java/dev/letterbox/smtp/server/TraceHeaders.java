package dev.letterbox.smtp.server;

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
final class TraceHeaders {
    /** RFC 5322 §3.3 date-time, numeric zone. */
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);
    private static final SecureRandom RANDOM = new SecureRandom();

    private TraceHeaders() {}

    /** {@code sender} as it appears between the angle brackets; empty for {@code <>}. */
    static byte[] returnPath(String sender) {
        return bytes("Return-Path: <" + sender + ">\r\n");
    }

    /**
     * {@code Received: from HELO ([ip]) by HOST (Letterbox) with PROTO (TLS) id ID for <rcpt>; date}.
     * {@code tls} is null without TLS; {@code forRecipient} null when there are several.
     */
    static byte[] received(String helo, String ip, String hostname, String protocol, String tls, String id,
                           String forRecipient, ZonedDateTime when) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("Received: from ").append(safeHelo(helo)).append(" ([").append(ip).append("])\r\n");
        sb.append("\tby ").append(hostname).append(" (Letterbox) with ").append(protocol);
        if (tls != null) sb.append(" (").append(tls).append(')');
        sb.append("\r\n\tid ").append(id);
        if (forRecipient != null) sb.append("\r\n\tfor <").append(forRecipient).append('>');
        sb.append(";\r\n\t").append(DATE.format(when)).append("\r\n");
        return bytes(sb.toString());
    }

    /**
     * RFC 3848 and RFC 6531 §3.7.3: ESMTP, plus S with TLS, plus A when authenticated; UTF8SMTP
     * in place of ESMTP for an SMTPUTF8 transaction; SMTP after HELO.
     */
    static String protocol(boolean esmtp, boolean utf8, boolean tls, boolean authenticated) {
        String base = !esmtp ? "SMTP" : utf8 ? "UTF8SMTP" : "ESMTP";
        if (!esmtp) return base;
        return base + (tls ? "S" : "") + (authenticated ? "A" : "");
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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
