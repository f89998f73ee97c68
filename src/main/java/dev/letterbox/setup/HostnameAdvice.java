package dev.letterbox.setup;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the server's host name can be the name other servers and mail clients use. A machine's
 * own name is often a bare label ({@code vm}, {@code debian}) or a name under a private suffix; such
 * a name, published as the MX target or handed to clients, reaches nothing on the Internet.
 */
public final class HostnameAdvice {
    /** Suffixes that only exist on a local network (RFC 6762 .local, RFC 8375 home.arpa, common others). */
    private static final List<String> LOCAL_SUFFIXES = List.of(".local", ".localdomain", ".lan", ".home", ".internal",
            ".home.arpa", ".localhost");

    private HostnameAdvice() {}

    /** True for a name with at least two labels that is not under a local-only suffix. */
    public static boolean qualified(String hostname) {
        String h = hostname.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        if (!h.contains(".") || h.equals("localhost")) return false;
        for (String suffix : LOCAL_SUFFIXES) {
            if (h.endsWith(suffix)) return false;
        }
        return true;
    }

    /**
     * The warning to show when {@code hostname} is not a fully qualified name, suggesting
     * {@code mail.DOMAIN} for the first hosted domain ({@code domain} empty when none is hosted yet).
     */
    public static Optional<String> warning(String hostname, Optional<String> domain) {
        if (qualified(hostname)) return Optional.empty();
        String suggestion = "mail." + domain.orElse("YOUR-DOMAIN");
        return Optional.of("the host name '" + hostname + "' is not a fully qualified domain name: other servers cannot"
                + " deliver to it and mail clients cannot reach it. Start the server with --hostname " + suggestion
                + " (or set hostname = \"" + suggestion + "\" in letterbox.toml), and publish that name's A/AAAA records");
    }
}
