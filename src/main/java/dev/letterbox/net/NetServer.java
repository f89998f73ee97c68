package dev.letterbox.net;

import java.io.IOException;
import java.time.Duration;

/**
 * Listeners and their connections. For each listener a platform thread accepts (after taking a
 * connection slot, so an overloaded server stops accepting instead of piling up sockets) and each
 * connection runs on its own virtual thread. One sweeper thread closes idle connections.
 */
public final class NetServer implements AutoCloseable {
    public NetServer(NetLimits limits, ServerTls tls) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Binds and starts accepting. Fails with one clear line naming the port and the fix. */
    public void listen(ListenerSpec spec) throws IOException {
        throw new UnsupportedOperationException("not built yet");
    }

    /** The port a listener is bound to (useful with port 0). */
    public int boundPort(String listenerName) {
        throw new UnsupportedOperationException("not built yet");
    }

    public int activeConnections() {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Stops accepting, lets sessions finish for up to {@code grace}, then closes the rest. */
    public void shutdown(Duration grace) {
        throw new UnsupportedOperationException("not built yet");
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
