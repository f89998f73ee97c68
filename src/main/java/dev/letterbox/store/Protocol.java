package dev.letterbox.store;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The access protocols an account can be allowed to use (the per-account protocol switches). */
public enum Protocol {
    IMAP, POP3, SMTP;

    public static Set<Protocol> all() {
        return EnumSet.allOf(Protocol.class);
    }

    /** Parses "imap,pop3" (any case, spaces allowed); an empty string is the empty set. */
    public static Set<Protocol> parseList(String text) {
        Set<Protocol> result = EnumSet.noneOf(Protocol.class);
        for (String part : text.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) continue;
            try {
                result.add(valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown protocol '" + name + "' (known: imap, pop3, smtp)");
            }
        }
        return result;
    }

    public static String formatList(Set<Protocol> protocols) {
        StringBuilder sb = new StringBuilder();
        for (Protocol p : protocols) {
            if (!sb.isEmpty()) sb.append(',');
            sb.append(p.name().toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }
}
