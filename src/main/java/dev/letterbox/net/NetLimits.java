package dev.letterbox.net;

import java.time.Duration;

/**
 * Connection-level limits. {@code maxConcurrentHandshakes} caps TLS handshakes computing at once so a
 * reconnect storm cannot starve logged-in sessions of CPU; {@code handshakeTimeout} bounds one
 * handshake and {@code helloTimeout} the wait for its first record (a silent client is dropped soon).
 */
public record NetLimits(int maxConnections, int maxConnectionsPerIp, int maxConcurrentHandshakes,
                        Duration handshakeTimeout, Duration helloTimeout) {
    public static final Duration DEFAULT_HELLO_TIMEOUT = Duration.ofSeconds(10);

    /** With the default ClientHello timeout (10 s, or the handshake timeout when shorter). */
    public NetLimits(int maxConnections, int maxConnectionsPerIp, int maxConcurrentHandshakes, Duration handshakeTimeout) {
        this(maxConnections, maxConnectionsPerIp, maxConcurrentHandshakes, handshakeTimeout, DEFAULT_HELLO_TIMEOUT);
    }

    public static NetLimits defaults() {
        return new NetLimits(20_000, 100, 64, Duration.ofSeconds(30));
    }
}
