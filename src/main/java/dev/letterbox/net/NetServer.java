package dev.letterbox.net;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Listeners and their connections. For each listener one platform thread accepts into the
 * listener's {@link Lobby} and another admits from it, least busy network first, taking a
 * connection slot for each client (see {@link #admitLoop}); each connection runs on its own virtual
 * thread. One sweeper thread closes idle connections.
 *
 * <p>Lifecycle: construct, {@link #listen} once per port, {@link #shutdown} (or {@link #close()})
 * once. An admitted connection holds its slot until its session's thread has closed the socket.
 */
public final class NetServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("letterbox.net");
    /** After shutdown's grace, how long the closed sessions get to unwind. */
    private static final long UNWIND_MILLIS = 2_000;

    private final NetLimits limits;
    private final Semaphore slots;
    private final PerAddressLimit perAddress;
    private final HandshakeGate handshakes;
    private final NetEvents events;
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    /** A session with no traffic for this long at shutdown is waiting, not working, and is ended at once. */
    private static final long QUIET_AT_SHUTDOWN_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private final Set<SocketConnection> connections = ConcurrentHashMap.newKeySet();
    /**
     * Connections in the order they were admitted, under their admission number, until they close:
     * the candidates for making room, oldest first, found without scanning every connection (a
     * flood makes room thousands of times a second). One that has logged in stays listed until it
     * closes or reaches the head, where it is dropped: it can never be closed to make room again.
     */
    private final ConcurrentSkipListMap<Long, SocketConnection> byAge = new ConcurrentSkipListMap<>();
    private final AtomicLong admissions = new AtomicLong();
    private final IdleSweeper sweeper = new IdleSweeper(connections);
    /** Guards the listener map against a concurrent shutdown; held only for quick, local work. */
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile boolean stopping;
    /** A full server under a flood would say so for every newcomer: a line per 10 s. */
    private final RateLimitedLog slotsFull = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    /**
     * After closing a connection to make room, how long to wait for its slot before closing another
     * (another listener's newcomer may have taken the freed one).
     */
    private static final long EVICTION_WAIT_MILLIS = 200;
    private final java.util.concurrent.atomic.LongAdder evictions = new java.util.concurrent.atomic.LongAdder();
    /** Accept errors come in floods (one per attempt while out of file descriptors): a line per 10 s. */
    private final RateLimitedLog acceptFailures = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    /** A scan of a PROXY listener from the Internet, or a proxy missing from the trusted list: a line per 10 s. */
    private final RateLimitedLog untrustedProxies = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    /** A proxy configured without send-proxy would break every connection: a line per 10 s. */
    private final RateLimitedLog badProxyHeaders = new RateLimitedLog(LOG, Duration.ofSeconds(10));

    /** @param tls the server's certificate, or null when no listener or session uses TLS */
    public NetServer(NetLimits limits, ServerTls tls) {
        this(limits, tls, NetEvents.NONE);
    }

    /**
     * @param tls the server's certificate, or null when no listener or session uses TLS
     * @param events told of every connection opened, closed or refused and every TLS handshake
     */
    public NetServer(NetLimits limits, ServerTls tls, NetEvents events) {
        this.limits = limits;
        this.events = Objects.requireNonNull(events, "events");
        this.slots = new Semaphore(Math.max(1, limits.maxConnections()));
        this.perAddress = new PerAddressLimit(Math.max(1, limits.maxConnectionsPerIp()));
        this.handshakes = tls == null ? null
                : new HandshakeGate(tls, limits.maxConcurrentHandshakes(), limits.handshakeTimeout(),
                        limits.helloTimeout());
        sweeper.start();
    }

    /** Binds and starts accepting. Fails with one clear line naming the port and the fix. */
    public void listen(ListenerSpec spec) throws IOException {
        Objects.requireNonNull(spec.name(), "listener name");
        Objects.requireNonNull(spec.handler(), "handler of listener " + spec.name());
        if (spec.implicitTls() && handshakes == null) {
            throw new IllegalArgumentException("listener " + spec.name() + " wants implicit TLS but no certificate is configured");
        }
        lifecycle.lock();
        try {
            if (stopping) {
                throw new IllegalStateException("server is shutting down");
            }
            if (listeners.containsKey(spec.name())) {
                throw new IllegalArgumentException("listener " + spec.name() + " is already listening");
            }
            Listener listener = Listener.bind(spec);
            listeners.put(spec.name(), listener);
            listener.start(() -> acceptLoop(listener), () -> admitLoop(listener));
            LOG.log(Level.INFO, spec.name() + ": listening on " + listener.describeAddress()
                    + (spec.implicitTls() ? " (TLS)" : "")
                    + (spec.proxy() != null ? " behind a PROXY protocol load balancer from " + spec.proxy().trusted() : ""));
        } finally {
            lifecycle.unlock();
        }
    }

    /** The port a listener is bound to (useful with port 0). */
    public int boundPort(String listenerName) {
        Listener listener = listeners.get(listenerName);
        if (listener == null) {
            throw new IllegalArgumentException("no listener named " + listenerName);
        }
        return listener.port();
    }

    /** Connections accepted and waiting in a listener's lobby to be admitted, across all listeners. */
    public int waitingToBeAdmitted() {
        int n = 0;
        for (Listener l : listeners.values()) n += l.lobby().size();
        return n;
    }

    /** Connections accepted and not yet closed, across all listeners. */
    public int activeConnections() {
        return connections.size();
    }

    private void acceptLoop(Listener listener) {
        String name = listener.spec().name();
        ProxyProtocol proxy = listener.spec().proxy();
        while (!stopping) {
            SocketChannel channel;
            try {
                channel = listener.server().accept();
            } catch (ClosedChannelException e) {
                return; // shutdown
            } catch (IOException e) {
                // typically "too many open files": back off instead of spinning on the error
                acceptFailures.warn(name + ": accept failed: " + SocketConnection.describe(e));
                if (!pause(100)) {
                    return;
                }
                continue;
            }
            if (proxy != null && !fromTrustedProxy(channel, proxy, name)) {
                events.connectionRefused(name);
                closeQuietly(channel);
                continue;
            }
            listener.lobby().add(channel, perAddress::count);
        }
    }

    /**
     * On a PROXY listener, whether the peer is one of the trusted load balancers. Anyone else is
     * refused before the lobby: they could claim any client address in their header.
     */
    private boolean fromTrustedProxy(SocketChannel channel, ProxyProtocol proxy, String name) {
        InetSocketAddress peer;
        try {
            peer = (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return false; // gone already
        }
        if (peer != null && proxy.trusts(peer.getAddress())) return true;
        untrustedProxies.warn(name + ": refused " + (peer == null ? "a client" : SocketConnection.format(peer))
                + ": this listener expects the PROXY protocol, and only from " + proxy.trusted());
        return false;
    }

    /**
     * Admits the lobby's least busy client, one at a time, until shutdown. The per-address limit is
     * checked first (a refused client must not make anyone else room), then a slot is taken. With
     * every slot held by a logged-in session the client goes back to the lobby and the listener
     * waits for a slot to free — then chooses again, so whoever arrived meanwhile competes too.
     *
     * <p>On a PROXY listener the lobby only sees the load balancer's address: the client's is in the
     * header, which cannot be read before admission without a thread per waiting socket. Such a
     * connection is therefore admitted without the per-address count (counting the proxy would cap
     * all its clients together at {@code max_connections_per_ip}); the client it names is counted
     * as soon as its session has read the header, and refused then if over its limit (see
     * {@link #readProxyHeader}). Fairness among the clients behind one proxy is the proxy's business
     * (haproxy has its own per-source limits); here a proxied newcomer makes room like a lone client.
     */
    private void admitLoop(Listener listener) {
        String name = listener.spec().name();
        boolean proxied = listener.spec().proxy() != null;
        Lobby lobby = listener.lobby();
        while (!stopping) {
            Lobby.Waiting next;
            try {
                next = lobby.take(perAddress::count);
            } catch (InterruptedException e) {
                return; // shutdown
            }
            InetAddress counted = proxied ? null : next.address();
            if (counted != null && !perAddress.tryAcquire(counted)) {
                LOG.log(Level.INFO, name + ": refused " + SocketConnection.format(next.remote()) + ": already "
                        + perAddress.max() + " connections from this address");
                events.connectionRefused(name);
                closeQuietly(next.channel());
                continue;
            }
            boolean slot;
            try {
                slot = takeSlot(name, next.block());
            } catch (InterruptedException e) {
                release(counted);
                closeQuietly(next.channel());
                return;
            }
            if (!slot) {
                release(counted);
                lobby.putBack(next);
                try {
                    slots.acquire(); // a slot frees: choose again among all who wait
                    slots.release();
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            start(next.channel(), counted, listener);
        }
    }

    /**
     * Takes a connection slot for a client about to be admitted. When every slot is taken, the oldest
     * connection that has not logged in is closed at once to make room: idle pre-login connections
     * (a flood of silent sockets) must not lock out the clients behind them, and making room must be
     * quick. A session past its login is never dropped for a newcomer: with none to close this
     * answers false. Only a newcomer that exists makes room: a full server with nobody at the door
     * closes nothing.
     */
    private boolean takeSlot(String listenerName, InetAddress newcomer) throws InterruptedException {
        if (slots.tryAcquire()) {
            return true;
        }
        slotsFull.warn(listenerName + ": all " + limits.maxConnections()
                + " connection slots in use; closing the oldest connections not logged in to make room,"
                + " else new clients wait until a slot frees");
        do {
            if (!evictOldestNotLoggedIn(newcomer)) {
                return slots.tryAcquire();
            }
            // its session releases the slot as it ends, within milliseconds
        } while (!slots.tryAcquire(EVICTION_WAIT_MILLIS, TimeUnit.MILLISECONDS));
        return true;
    }

    /**
     * Closes the longest-open connection that has not logged in and whose network holds at least
     * as many connections as the newcomer's ({@code newcomer}, a {@link ClientBlock}, already
     * counted): a flood makes room among its own, never by closing a lone client that just came in.
     * False when there is nobody to close.
     */
    private boolean evictOldestNotLoggedIn(InetAddress newcomer) {
        int newcomerLoad = perAddress.count(newcomer);
        var it = byAge.entrySet().iterator();
        while (it.hasNext()) {
            SocketConnection oldest = it.next().getValue();
            if (oldest.isLoggedIn() || oldest.isClosed()) {
                it.remove(); // never a candidate again
                continue;
            }
            if (perAddress.count(ClientBlock.of(oldest.remoteAddress().getAddress())) < newcomerLoad) continue;
            it.remove();
            evictions.increment();
            oldest.close("connection slots full: the oldest connection not logged in makes room");
            return true;
        }
        return false;
    }

    /** Connections closed so far to make room for new clients (see {@link #takeSlot}). */
    public long evictions() {
        return evictions.sum();
    }

    /** Counts one connection less for {@code address}; null (nothing was counted) does nothing. */
    private void release(InetAddress address) {
        if (address != null) perAddress.release(address);
    }

    /**
     * With a slot taken and its address counted ({@code address}; null on a PROXY listener, where the
     * session counts its client once known): the connection's session starts on its own virtual thread.
     */
    private void start(SocketChannel channel, InetAddress address, Listener listener) {
        ListenerSpec spec = listener.spec();
        SocketConnection connection;
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connection = new SocketConnection(channel, spec.name(), spec.idleTimeout(), spec.loginTimeout(),
                    handshakes, sweeper, events);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> spec.name() + ": client left before its session started: "
                    + SocketConnection.describe(e));
            closeQuietly(channel);
            release(address);
            slots.release();
            return;
        }
        connection.goodbye(spec.handler().goodbye());
        connections.add(connection);
        long admission = admissions.incrementAndGet();
        byAge.put(admission, connection);
        events.connectionOpened(spec.name());
        try {
            Thread.ofVirtual().name("letterbox-" + spec.name() + "-" + connection.sessionId())
                    .start(() -> runSession(connection, spec, address, admission));
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.log(Level.WARNING, connection.logPrefix() + "could not start a session: " + SocketConnection.describe(e));
            connections.remove(connection);
            byAge.remove(admission);
            events.connectionClosed(spec.name());
            connection.close();
            release(address);
            slots.release();
        }
    }

    private void runSession(SocketConnection connection, ListenerSpec spec, InetAddress address, long admission) {
        InetAddress counted = address;
        boolean handlerReturned = false;
        try {
            if (spec.proxy() != null) {
                // before the greeting and before TLS: the header is the first thing on the wire
                counted = readProxyHeader(connection, spec);
                if (counted == null) return;
            }
            InetSocketAddress proxy = connection.proxy();
            LOG.log(Level.INFO, connection.logPrefix() + "connected from " + SocketConnection.format(connection.remoteAddress())
                    + " to " + SocketConnection.format(connection.localAddress())
                    + (proxy != null ? " via " + SocketConnection.format(proxy) : ""));
            if (spec.implicitTls()) {
                connection.startImplicitTls();
            }
            spec.handler().handle(connection);
            handlerReturned = true;
        } catch (IOException e) {
            // the client left, the socket broke, or a timeout closed it: an ordinary end
            LOG.log(Level.DEBUG, () -> connection.logPrefix() + "ended: " + SocketConnection.describe(e));
        } catch (Exception e) {
            StackTraceElement[] where = e.getStackTrace();
            LOG.log(Level.WARNING, connection.logPrefix() + "session failed: " + e
                    + (where.length > 0 ? " at " + where[0] : ""));
            LOG.log(Level.DEBUG, connection.logPrefix() + "session failure", e);
        } finally {
            connection.finish(handlerReturned);
            connections.remove(connection);
            byAge.remove(admission);
            events.connectionClosed(spec.name());
            release(counted);
            slots.release();
            logDisconnect(connection);
        }
    }

    /**
     * Reads the PROXY header and counts the client it names against the per-address limit; returns
     * the address counted, or null when the connection is to be closed (bad or missing header, or
     * the client is over its limit). A bad header is the proxy's misconfiguration, not the client's.
     */
    private InetAddress readProxyHeader(SocketConnection connection, ListenerSpec spec) {
        String name = spec.name();
        InetSocketAddress peer = connection.remoteAddress();
        try {
            connection.readProxyHeader(spec.proxy().headerTimeout());
        } catch (ProxyHeader.MalformedException e) {
            badProxyHeaders.warn(connection.logPrefix() + "closed: bad PROXY header from " + SocketConnection.format(peer)
                    + ": " + e.getMessage() + " (is the load balancer set to send-proxy-v2 or send-proxy?)");
            events.connectionRefused(name);
            return null;
        } catch (IOException e) {
            // the disconnect line names the reason when the sweeper closed it
            LOG.log(Level.DEBUG, () -> connection.logPrefix() + "no PROXY header from " + SocketConnection.format(peer)
                    + ": " + SocketConnection.describe(e));
            return null;
        }
        InetAddress client = connection.remoteAddress().getAddress();
        if (!perAddress.tryAcquire(client)) {
            LOG.log(Level.INFO, name + ": refused " + SocketConnection.format(connection.remoteAddress()) + " via "
                    + SocketConnection.format(peer) + ": already " + perAddress.max() + " connections from this address");
            events.connectionRefused(name);
            return null;
        }
        return client;
    }

    private static void logDisconnect(SocketConnection connection) {
        Duration lasted = Duration.ofNanos(System.nanoTime() - connection.openedNanos());
        String reason = connection.closeReason();
        LOG.log(Level.INFO, connection.logPrefix() + "disconnected after " + Durations.describe(lasted)
                + " (in " + connection.bytesIn() + " B, out " + connection.bytesOut() + " B)"
                + (reason != null ? ": " + reason : ""));
    }

    /**
     * Stops accepting, lets sessions finish for up to {@code grace}, then closes the rest and waits
     * briefly for their threads. Safe to call more than once; later calls return at once.
     */
    public void shutdown(Duration grace) {
        lifecycle.lock();
        try {
            if (stopping) {
                return;
            }
            stopping = true;
        } finally {
            lifecycle.unlock();
        }
        LOG.log(Level.INFO, "shutting down: " + connections.size() + " open connections, grace "
                + Durations.describe(grace));
        listeners.values().forEach(Listener::close);
        for (Listener listener : listeners.values()) {
            try {
                listener.awaitStopped(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean interrupted = !awaitNoConnections(grace.toMillis());
        if (!connections.isEmpty()) {
            LOG.log(Level.INFO, "closing " + connections.size() + " connections still open after the grace period");
            connections.forEach(c -> c.close("server shutting down"));
            interrupted |= !awaitNoConnections(UNWIND_MILLIS);
        }
        sweeper.stop();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.log(Level.INFO, "stopped" + (connections.isEmpty() ? "" : "; " + connections.size() + " sessions still unwinding"));
    }

    /**
     * Waits until every session has ended or the time is up; false when interrupted. Sessions that
     * are quiet (waiting for their next command, or in IDLE) are ended at once with their protocol's
     * goodbye: only sessions still moving bytes — a message upload, a big FETCH — use the grace.
     */
    private boolean awaitNoConnections(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis));
        while (!connections.isEmpty() && deadline - System.nanoTime() > 0) {
            for (SocketConnection c : connections) {
                if (c.quietFor(QUIET_AT_SHUTDOWN_NANOS)) c.sayGoodbyeAndClose();
            }
            if (!pause(10)) {
                return false;
            }
        }
        return true;
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already broken
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
