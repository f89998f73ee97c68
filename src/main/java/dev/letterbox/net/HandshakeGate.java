package dev.letterbox.net;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;

/**
 * Caps the TLS handshake work done at once: after a restart thousands of clients reconnect at once,
 * and without a cap their handshakes (milliseconds of CPU each) would starve sessions already logged
 * in. A permit is held only while a handshake computes — from a client record's arrival to the
 * server's answer — never while the server waits for the client, so silent or slow clients cannot
 * hold the cap (they are bounded by the timeouts instead).
 *
 * <p>Two timeouts: the client's first record (its ClientHello) must arrive whole within
 * {@code helloTimeout} of the handshake's start; the whole handshake must end within {@code timeout}.
 */
final class HandshakeGate {
    private final ServerTls tls;
    private final Semaphore permits;
    private final long timeoutNanos;
    private final long helloTimeoutNanos;

    HandshakeGate(ServerTls tls, int maxConcurrent, Duration timeout, Duration helloTimeout) {
        this.tls = tls;
        this.permits = new Semaphore(Math.max(1, maxConcurrent));
        this.timeoutNanos = Durations.toNanos(timeout);
        this.helloTimeoutNanos = Math.min(timeoutNanos, Durations.toNanos(helloTimeout));
    }

    ServerTls tls() {
        return tls;
    }

    /** The handshake's deadline, for a handshake that started at {@code startNanos}. */
    long deadline(long startNanos) {
        return startNanos + timeoutNanos;
    }

    /** The deadline for the client's first record, for a handshake that started at {@code startNanos}. */
    long helloDeadline(long startNanos) {
        return startNanos + helloTimeoutNanos;
    }

    Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    Duration helloTimeout() {
        return Duration.ofNanos(helloTimeoutNanos);
    }

    /** Waits for a permit until {@code deadline}; the caller must {@link #leave()} after it returns. */
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

    /** Permits free now (for tests and metrics). */
    int available() {
        return permits.availablePermits();
    }
}
