package dev.letterbox.checks;

import dev.letterbox.delivery.Envelope;
import dev.letterbox.net.IpNetwork;
import java.net.InetAddress;
import java.util.List;

/**
 * Which messages the checks of mail from the Internet look at: those from SMTP clients that have
 * not logged in, unless the client is in {@code [antispam] trusted_networks}. Loopback is checked
 * like any address: the checks are on by default everywhere.
 */
public final class ClientFilter {
    private final List<IpNetwork> trusted;

    public ClientFilter(List<IpNetwork> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /** True when {@code envelope} is mail from the Internet that the checks must look at. */
    public boolean checks(Envelope envelope) {
        if (envelope.origin() != Envelope.Origin.INBOUND || envelope.client().isEmpty()) return false;
        return !isTrusted(envelope.client().get().address());
    }

    public boolean isTrusted(InetAddress address) {
        for (IpNetwork c : trusted) {
            if (c.contains(address)) return true;
        }
        return false;
    }
}
