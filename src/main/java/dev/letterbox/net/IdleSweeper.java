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
    /** When the sleeping sweeper will look next, on the nanoTime clock. */
    private volatile long nextSweepAt = System.nanoTime();

    IdleSweeper(Collection<SocketConnection> connections) {
        this.connections = connections;
        this.thread = Thread.ofPlatform().name("letterbox-idle-sweeper").daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /**
     * A connection's deadline changed; wakes the sweeper only when it falls before the next sweep,
     * so a storm of handshakes (30 s deadlines) does not turn into a storm of sweeps.
     */
    void deadlineSet(long deadline) {
        if (deadline - nextSweepAt < 0) {
            LockSupport.unpark(thread);
        }
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
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
            // while sweeping, any deadline within the longest sleep may have been missed: rewake
            nextSweepAt = System.nanoTime() + MAX_SLEEP_NANOS;
            long sleep = MAX_SLEEP_NANOS;
            try {
                sleep = sweep(System.nanoTime());
            } catch (RuntimeException e) {
                // one bad connection must not end timeouts for all the others
                LOG.log(System.Logger.Level.WARNING, "idle sweeper: " + SocketConnection.describe(e), e);
            }
            sleep = Math.max(sleep, MIN_SLEEP_NANOS);
            nextSweepAt = System.nanoTime() + sleep;
            LockSupport.parkNanos(this, sleep);
        }
    }
}
