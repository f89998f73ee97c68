package dev.letterbox.smtp;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One SMTP reply: a three-digit code, an optional enhanced status code (RFC 3463, "2.1.5") and one or
 * more text lines. Text is cleaned on construction: CR, LF and other control characters become
 * spaces, so no text can end a reply early or smuggle in a second one.
 */
public record SmtpReply(int code, Optional<String> enhanced, List<String> lines) {
    private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    /** RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets with its CRLF. */
    static final int MAX_TEXT = 400;

    public SmtpReply {
        if (code < 200 || code > 599) throw new IllegalArgumentException("reply code out of range: " + code);
        enhanced.ifPresent(e -> {
            if (!ENHANCED.matcher(e).matches() || e.charAt(0) - '0' != code / 100) {
                throw new IllegalArgumentException("enhanced code " + e + " does not fit reply " + code);
            }
        });
        if (lines.isEmpty()) lines = List.of("");
        lines = lines.stream().map(SmtpReply::clean).toList();
    }

    /** A one-line reply with an enhanced status code. */
    public static SmtpReply of(int code, String enhanced, String text) {
        return new SmtpReply(code, Optional.of(enhanced), List.of(text));
    }

    /** A reply without an enhanced code (the greeting and the EHLO/HELO answers, RFC 2034 §3). */
    public static SmtpReply plain(int code, String text) {
        return new SmtpReply(code, Optional.empty(), List.of(text));
    }

    public static SmtpReply multi(int code, Optional<String> enhanced, List<String> lines) {
        return new SmtpReply(code, enhanced, lines);
    }

    public boolean isPositive() {
        return code < 400;
    }

    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanent() {
        return code >= 500;
    }

    /** The text of all lines, joined by a space (for logs and exception messages). */
    public String text() {
        return String.join(" ", lines);
    }

    private static String clean(String text) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_TEXT));
        for (int i = 0; i < text.length() && sb.length() < MAX_TEXT; i++) {
            char c = text.charAt(i);
            sb.append(c < ' ' || c == 0x7f ? ' ' : c);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return code + enhanced.map(e -> " " + e).orElse("") + " " + text();
    }
}
