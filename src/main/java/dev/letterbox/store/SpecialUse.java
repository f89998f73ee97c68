package dev.letterbox.store;

import java.util.Locale;
import java.util.Optional;

/** RFC 6154 special-use mailbox attributes. */
public enum SpecialUse {
    ALL, ARCHIVE, DRAFTS, FLAGGED, JUNK, SENT, TRASH;

    /** The IMAP attribute, e.g. {@code \Sent}. */
    public String attribute() {
        String n = name().toLowerCase(Locale.ROOT);
        return "\\" + Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    /** Parses an IMAP attribute such as {@code \Sent} (any case). */
    public static Optional<SpecialUse> fromAttribute(String attribute) {
        if (attribute == null || !attribute.startsWith("\\")) return Optional.empty();
        for (SpecialUse u : values()) {
            if (u.attribute().equalsIgnoreCase(attribute)) return Optional.of(u);
        }
        return Optional.empty();
    }
}
