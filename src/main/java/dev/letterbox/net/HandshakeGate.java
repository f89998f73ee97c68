package dev.letterbox.net;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;

/**
 * Caps TLS handshakes in progress: after a restart thousands of clients reconnect at once, and
 * without a cap their handshakes (milliseconds of CPU each) would starve sessions already logged in.
 * The handshake timeout covers the wait for a permit and the handshake itself.
 */
final class HandshakeGate {
    private final ServerTls tls;
    private final Semaphore permits;
    private final long timeoutNanos;

    HandshakeGate(ServerTls tls, int maxConcurrent, Duration timeout) {
        this.tls = tls;
        this.permits = new Semaphore(Math.max(1, maxConcurrent));
        this.timeoutNanos = Durations.toNanos(timeout);
    }

    ServerTls tls() {
        return tls;
    }

    /** The handshake's deadline on the {@link System#nanoTime()} clock, starting now. */
    long deadlineFromNow() {
        return System.nanoTime() + timeoutNanos;
    }

    Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    /** Waits for a permit until {@code deadline}; the caller must {@link #leave()} after a true return. */
    void enter(long deadline) throws IOException {
        try {
            if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new SSLHandshakeException("too many TLS handshakes in progress; gave up after "
                        + Durations.describe(timeout()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SSLHandshakeException("interrupted while waiting to start the TLS handshake");
        }
    }

    void leave() {
        permits.release();
    }
}
