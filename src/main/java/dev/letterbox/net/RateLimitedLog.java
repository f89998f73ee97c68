package dev.letterbox.net;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A warning that may repeat thousands of times a second (every failed accept while the process is
 * out of file descriptors) logged at most once per interval, with how many were left out since.
 */
final class RateLimitedLog {
    private final System.Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAllowed = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(System.Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    void warn(String message) {
        long now = System.nanoTime();
        long allowed = nextAllowed.get();
        if (now - allowed < 0 || !nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long left = suppressed.getAndSet(0);
        log.log(Level.WARNING, left == 0 ? message : message + " (and " + left + " more like it since the last report)");
    }
}
