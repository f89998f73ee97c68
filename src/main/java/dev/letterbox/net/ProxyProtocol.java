package dev.letterbox.net;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * A listener behind a load balancer that speaks the PROXY protocol ({@link ProxyHeader}). Only
 * connections from {@code trusted} networks are accepted, and each must begin with a header within
 * {@code headerTimeout}; the client it names is the connection's remote address from then on. A
 * connection from anywhere else is refused: a client reaching the port directly could otherwise
 * claim any address it likes.
 */
public record ProxyProtocol(List<IpNetwork> trusted, Duration headerTimeout) {
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(5);

    public ProxyProtocol {
        trusted = List.copyOf(trusted);
        if (trusted.isEmpty()) throw new IllegalArgumentException("a PROXY protocol listener needs trusted proxy networks");
        if (headerTimeout.isNegative() || headerTimeout.isZero()) throw new IllegalArgumentException("header timeout must be positive");
    }

    boolean trusts(InetAddress address) {
        for (IpNetwork network : trusted) {
            if (network.contains(address)) return true;
        }
        return false;
    }
}
