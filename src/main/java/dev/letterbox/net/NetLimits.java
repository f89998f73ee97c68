package dev.letterbox.net;

import java.time.Duration;

/**
 * Connection-level limits. {@code maxConcurrentHandshakes} caps TLS handshakes in progress so a
 * reconnect storm cannot starve logged-in sessions of CPU; {@code handshakeTimeout} bounds one.
 */
public record NetLimits(int maxConnections, int maxConnectionsPerIp, int maxConcurrentHandshakes,
                        Duration handshakeTimeout) {
    public static NetLimits defaults() {
        return new NetLimits(20_000, 100, 64, Duration.ofSeconds(30));
    }
}
