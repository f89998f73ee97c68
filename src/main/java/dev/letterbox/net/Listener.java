package dev.letterbox.net;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.util.Locale;

/** One bound listening socket and the platform thread that accepts on it. */
final class Listener {
    /** Clients wait in the kernel's queue while every connection slot is taken. */
    private static final int BACKLOG = 1024;

    private final ListenerSpec spec;
    private final ServerSocketChannel server;
    private final int port;
    private Thread acceptThread;
    private Thread admitThread;
    /** Accepted connections waiting to be admitted (see {@link Lobby}). */
    private final Lobby lobby = new Lobby(LOBBY_SIZE);
    /**
     * Room per listener for accepted clients waiting for a slot: enough to find a real client in a
     * flood, few enough that what waits stays well inside the file descriptors kept back from
     * {@code max_connections}.
     */
    static final int LOBBY_SIZE = 64;

    private Listener(ListenerSpec spec, ServerSocketChannel server) throws IOException {
        this.spec = spec;
        this.server = server;
        this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /** Binds, or fails with one line naming the listener, the address and what to do about it. */
    static Listener bind(ListenerSpec spec) throws IOException {
        String shown = displayAddress(spec.bindAddress(), spec.port());
        InetSocketAddress address;
        try {
            address = isWildcard(spec.bindAddress())
                    ? new InetSocketAddress(spec.port())
                    : new InetSocketAddress(InetAddress.getByName(spec.bindAddress()), spec.port());
        } catch (UnknownHostException e) {
            throw new BindException("cannot listen on " + shown + " (" + spec.name() + "): unknown bind address "
                    + spec.bindAddress() + " — use an IP address of this machine, or 0.0.0.0 for all");
        } catch (IllegalArgumentException e) {
            throw new BindException("cannot listen on " + shown + " (" + spec.name() + "): port "
                    + spec.port() + " is out of range — use 1 to 65535");
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(address, BACKLOG);
            return new Listener(spec, server);
        } catch (IOException e) {
            server.close();
            throw bindFailure(spec, shown, e);
        }
    }

    private static BindException bindFailure(ListenerSpec spec, String shown, IOException e) {
        String reason = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        String prefix = "cannot listen on " + shown + " (" + spec.name() + "): ";
        String line;
        if (reason.contains("permission denied") || reason.contains("access")) {
            line = prefix + "permission denied — "
                    + (spec.port() < 1024
                            ? "ports below 1024 need root or CAP_NET_BIND_SERVICE; or start with --port-offset 10000"
                            : "check that no security policy forbids this port");
        } else if (reason.contains("already in use")) {
            line = prefix + "address already in use — another mail server running? stop it or change [listen.ports] in the config";
        } else if (reason.contains("assign requested address")) {
            line = prefix + spec.bindAddress() + " is not an address of this machine — fix the bind address in the config";
        } else {
            line = prefix + SocketConnection.describe(e);
        }
        BindException failure = new BindException(line);
        failure.initCause(e);
        return failure;
    }

    private static boolean isWildcard(String bindAddress) {
        return bindAddress == null || bindAddress.isBlank() || bindAddress.equals("*");
    }

    private static String displayAddress(String bindAddress, int port) {
        String host = isWildcard(bindAddress) ? "*" : bindAddress;
        boolean ipv6 = host.indexOf(':') >= 0;
        return (ipv6 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Starts the thread that accepts into the lobby and the one that admits from it. */
    void start(Runnable acceptLoop, Runnable admitLoop) {
        acceptThread = Thread.ofPlatform().name("letterbox-accept-" + spec.name()).unstarted(acceptLoop);
        admitThread = Thread.ofPlatform().name("letterbox-admit-" + spec.name()).unstarted(admitLoop);
        acceptThread.start();
        admitThread.start();
    }

    Lobby lobby() {
        return lobby;
    }

    ListenerSpec spec() {
        return spec;
    }

    ServerSocketChannel server() {
        return server;
    }

    int port() {
        return port;
    }

    /** Where clients reach this listener, for the log. */
    String describeAddress() {
        try {
            InetSocketAddress bound = (InetSocketAddress) server.getLocalAddress();
            return bound.getAddress().isAnyLocalAddress() ? "*:" + bound.getPort() : SocketConnection.format(bound);
        } catch (IOException e) {
            return displayAddress(spec.bindAddress(), port);
        }
    }

    /** Stops accepting: closes the socket, which ends a blocked accept, and wakes a waiting thread. */
    void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing more can be done with a listening socket that fails to close
        }
        if (acceptThread != null) {
            acceptThread.interrupt();
        }
        lobby.close(); // wakes the admitting thread, which then ends
        if (admitThread != null) {
            admitThread.interrupt();
        }
    }

    void awaitStopped(long millis) throws InterruptedException {
        if (acceptThread != null) {
            acceptThread.join(millis);
        }
        if (admitThread != null) {
            admitThread.join(millis);
        }
    }
}
