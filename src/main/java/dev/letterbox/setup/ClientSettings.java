package dev.letterbox.setup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The settings a mail client needs, derived from the listeners: one entry per way in, best first
 * for each protocol (implicit TLS before STARTTLS, RFC 8314 §3), the mail protocols first and
 * ManageSieve (filters) last. Used by {@code letterbox settings} and by client auto-configuration.
 */
public record ClientSettings(String hostname, List<Entry> entries) {
    public enum Security { TLS, STARTTLS }

    public enum Kind {
        IMAP, POP3, SMTP, MANAGESIEVE;

        /** IMAP, POP3 and SMTP: what every mail client's configuration formats know. */
        public boolean mail() {
            return this != MANAGESIEVE;
        }
    }

    public record Entry(Kind kind, String listener, int port, Security security) {}

    /** {@code ports}: listener name to port, as the server runs (or would run) them. */
    public static ClientSettings of(String hostname, Map<String, Integer> ports) {
        List<Entry> entries = new ArrayList<>();
        add(entries, ports, Kind.IMAP, "imaps", Security.TLS);
        add(entries, ports, Kind.IMAP, "imap", Security.STARTTLS);
        add(entries, ports, Kind.POP3, "pop3s", Security.TLS);
        add(entries, ports, Kind.POP3, "pop3", Security.STARTTLS);
        add(entries, ports, Kind.SMTP, "submissions", Security.TLS);
        add(entries, ports, Kind.SMTP, "submission", Security.STARTTLS);
        add(entries, ports, Kind.MANAGESIEVE, "managesieve", Security.STARTTLS);
        return new ClientSettings(hostname, List.copyOf(entries));
    }

    private static void add(List<Entry> out, Map<String, Integer> ports, Kind kind, String listener, Security security) {
        Integer port = ports.get(listener);
        if (port != null && port > 0) out.add(new Entry(kind, listener, port, security));
    }

    public List<Entry> of(Kind kind) {
        return entries.stream().filter(e -> e.kind() == kind).toList();
    }
}
