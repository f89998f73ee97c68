package dev.letterbox.relay;

import java.util.List;

/** Where mail for one domain goes, as DNS (or the smarthost setting) says. */
public sealed interface Route {
    /** Servers to try in this order; each name is resolved to its addresses when its turn comes. */
    record Hosts(List<Hop> hops) implements Route {}

    /** Mail for the domain cannot be delivered at all (null MX, no such domain): fail at once. */
    record Unroutable(String status, String reason) implements Route {}

    /** DNS could not answer now: try again later. */
    record TryLater(String reason) implements Route {}

    /**
     * One server: {@code host} is a DNS name, or an address literal in brackets ({@code [192.0.2.1]},
     * {@code [IPv6:2001:db8::1]}) that needs no lookup.
     */
    record Hop(String host, int port) {
        public boolean isLiteral() {
            return host.startsWith("[");
        }
    }
}
