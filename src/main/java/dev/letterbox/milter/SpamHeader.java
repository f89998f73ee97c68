package dev.letterbox.milter;

import java.util.Locale;

/**
 * The header field by which a filter marks spam without quarantining it, e.g. rspamd's
 * {@code X-Spam: Yes} or SpamAssassin's {@code X-Spam-Flag: YES}. Names and values compare without
 * case, values without surrounding white space.
 */
public record SpamHeader(String name, String value) {
    /** What rspamd's proxy worker adds for the "add header" action (its {@code spam_header} option). */
    public static final SpamHeader RSPAMD = new SpamHeader("X-Spam", "Yes");

    public SpamHeader {
        if (name.isBlank() || name.indexOf(':') >= 0) throw new IllegalArgumentException("bad spam header name: " + name);
        value = value.strip();
    }

    /** Parses "Name: value", the form of the configuration key. */
    public static SpamHeader parse(String field) {
        int colon = field.indexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("spam header must look like 'X-Spam: Yes': " + field);
        return new SpamHeader(field.substring(0, colon).strip(), field.substring(colon + 1));
    }

    boolean matches(HeaderChange change) {
        if (change instanceof HeaderChange.Change c && c.deletes()) return false;
        return change.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))
                && change.value().strip().equalsIgnoreCase(value);
    }
}
