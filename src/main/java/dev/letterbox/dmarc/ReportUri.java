package dev.letterbox.dmarc;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One reporting URI of a {@code rua}/{@code ruf} tag (RFC 7489 §6.2, §6.4):
 * {@code URI [ "!" size [ k / m / g / t ] ]}. Only {@code mailto:} URIs are used by Letterbox; the
 * others are kept so that a record's reporting addresses are known in full.
 *
 * @param uri      the URI as written (commas and '!' percent-encoded, as the RFC requires)
 * @param maxBytes the largest report the destination accepts, when it says
 */
public record ReportUri(String uri, OptionalLong maxBytes) {
    private static final int MAX_URI = 1024;
    private static final int MAX_LOCAL_PART = 64;

    /** One element of the tag's comma-separated list, or empty when it is not a syntactically valid URI. */
    static Optional<ReportUri> parse(String text) {
        String s = text.strip();
        if (s.isEmpty() || s.length() > MAX_URI) return Optional.empty();
        OptionalLong max = OptionalLong.empty();
        int bang = s.lastIndexOf('!');
        if (bang >= 0) {
            max = size(s.substring(bang + 1));
            if (max.isEmpty()) return Optional.empty();
            s = s.substring(0, bang);
        }
        try {
            URI parsed = new URI(s);
            if (parsed.getScheme() == null) return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        return Optional.of(new ReportUri(s, max));
    }

    /** "10m" and the like: digits and an optional unit (binary multiples, RFC 7489 §6.4), bounded. */
    private static OptionalLong size(String s) {
        if (s.isEmpty() || s.length() > 16) return OptionalLong.empty();
        char unit = Character.toLowerCase(s.charAt(s.length() - 1));
        int shift = switch (unit) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) return OptionalLong.empty();
        long n = Long.parseLong(digits);
        return n > (Long.MAX_VALUE >> shift) ? OptionalLong.of(Long.MAX_VALUE) : OptionalLong.of(n << shift);
    }

    /**
     * The mailbox of a {@code mailto:} URI (RFC 6068), percent-decoded, with its domain in A-label
     * form; empty for other schemes and for anything that would not be a plain address in an SMTP
     * RCPT TO (no whitespace, no characters that could end or extend a header field).
     */
    public Optional<String> mailbox() {
        if (!uri.regionMatches(true, 0, "mailto:", 0, 7)) return Optional.empty();
        String rest = uri.substring(7);
        int query = rest.indexOf('?');
        if (query >= 0) rest = rest.substring(0, query);
        String address;
        try {
            address = java.net.URLDecoder.decode(rest.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at > MAX_LOCAL_PART) return Optional.empty();
        String local = address.substring(0, at);
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c <= ' ' || c >= 0x7f || "<>()[]\\,;:@\"".indexOf(c) >= 0) return Optional.empty();
        }
        return DomainNames.ascii(address.substring(at + 1)).map(d -> local + "@" + d);
    }

    /** The domain of the mailbox of a {@code mailto:} URI. */
    public Optional<String> mailboxDomain() {
        return mailbox().map(m -> m.substring(m.lastIndexOf('@') + 1));
    }

    /** As written in a record: the URI and its size limit in bytes. */
    @Override
    public String toString() {
        return maxBytes.isPresent() ? uri + "!" + maxBytes.getAsLong() : uri;
    }
}
