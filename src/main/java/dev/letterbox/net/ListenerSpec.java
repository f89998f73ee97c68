package dev.letterbox.net;

import java.time.Duration;

/**
 * One listening port. {@code implicitTls} means TLS from the first byte (465, 993, 995); otherwise
 * the session starts in plaintext and may upgrade with {@link Connection#startTls()}. Port 0 binds
 * an ephemeral port (tests); ask {@link NetServer#boundPort} which one. {@code loginTimeout} (null:
 * none) is how long a client may stay connected before {@link Connection#loggedIn()}.
 * {@code proxy} (null: none) puts the listener behind a load balancer speaking the PROXY protocol.
 */
public record ListenerSpec(String name, String bindAddress, int port, boolean implicitTls,
                           Duration idleTimeout, Duration loginTimeout, ConnectionHandler handler,
                           ProxyProtocol proxy) {
    /** Without the PROXY protocol. */
    public ListenerSpec(String name, String bindAddress, int port, boolean implicitTls, Duration idleTimeout,
                        Duration loginTimeout, ConnectionHandler handler) {
        this(name, bindAddress, port, implicitTls, idleTimeout, loginTimeout, handler, null);
    }

    /** Without a login timeout or the PROXY protocol. */
    public ListenerSpec(String name, String bindAddress, int port, boolean implicitTls, Duration idleTimeout,
                        ConnectionHandler handler) {
        this(name, bindAddress, port, implicitTls, idleTimeout, null, handler, null);
    }
}
