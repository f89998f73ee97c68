package dev.letterbox.net;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
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
                    + (spec.implicitTls() ? " (TLS)" : ""));
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
            listener.lobby().add(channel, perAddress::count);
        }
    }

    /**
     * Admits the lobby's least busy client, one at a time, until shutdown. The per-address limit is
     * checked first (a refused client must not make anyone else room), then a slot is taken. With
     * every slot held by a logged-in session the client goes back to the lobby and the listener
     * waits for a slot to free — then chooses again, so whoever arrived meanwhile competes too.
     */
    private void admitLoop(Listener listener) {
        String name = listener.spec().name();
        Lobby lobby = listener.lobby();
        while (!stopping) {
            Lobby.Waiting next;
            try {
                next = lobby.take(perAddress::count);
            } catch (InterruptedException e) {
                return; // shutdown
            }
            if (!perAddress.tryAcquire(next.address())) {
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
                perAddress.release(next.address());
                closeQuietly(next.channel());
                return;
            }
            if (!slot) {
                perAddress.release(next.address());
                lobby.putBack(next);
                try {
                    slots.acquire(); // a slot frees: choose again among all who wait
                    slots.release();
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            start(next.channel(), next.address(), listener);
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

    /** With its address counted and a slot taken: the connection's session starts on its own virtual thread. */
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
            perAddress.release(address);
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
            perAddress.release(address);
            slots.release();
        }
    }

    private void runSession(SocketConnection connection, ListenerSpec spec, InetAddress address, long admission) {
        LOG.log(Level.INFO, connection.logPrefix() + "connected from " + SocketConnection.format(connection.remoteAddress())
                + " to " + SocketConnection.format(connection.localAddress()));
        boolean handlerReturned = false;
        try {
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
            perAddress.release(address);
            slots.release();
            logDisconnect(connection);
        }
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
