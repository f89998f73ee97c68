package dev.letterbox.net;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread for every connection's timeouts (idle and TLS handshake) instead of a timer each. Each
 * pass closes the expired connections and sleeps until the nearest deadline, at most a second; a
 * connection whose deadline moves closer wakes it early.
 */
final class IdleSweeper {
    private static final System.Logger LOG = System.getLogger("letterbox.net");
    private static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MIN_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final Collection<SocketConnection> connections;
    private final Thread thread;
    private volatile boolean stopped;

    IdleSweeper(Collection<SocketConnection> connections) {
        this.connections = connections;
        this.thread = Thread.ofPlatform().name("letterbox-idle-sweeper").daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    void wake() {
        LockSupport.unpark(thread);
    }

    void stop() {
        stopped = true;
        wake();
    }

    /** Closes what has expired; returns how long until the nearest remaining deadline. */
    private long sweep(long now) {
        long sleep = MAX_SLEEP_NANOS;
        for (SocketConnection connection : connections) {
            connection.closeIfExpired(now);
            if (!connection.isClosed()) {
                sleep = Math.min(sleep, connection.expiresAt() - now);
            }
        }
        return sleep;
    }

    private void run() {
        while (!stopped) {
            long sleep = MAX_SLEEP_NANOS;
            try {
                sleep = sweep(System.nanoTime());
            } catch (RuntimeException e) {
                // one bad connection must not end timeouts for all the others
                LOG.log(System.Logger.Level.WARNING, "idle sweeper: " + SocketConnection.describe(e), e);
            }
            LockSupport.parkNanos(this, Math.max(sleep, MIN_SLEEP_NANOS));
        }
    }
}
