package dev.letterbox.auth;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down and then refuses repeated failed logins from one IP address, across all protocols.
 * After {@code freeFailures} failures each further attempt waits longer (doubling up to
 * {@code maxDelay}); at {@code blockAfter} failures within {@code window} the address is refused
 * for {@code blockFor}. A success clears the record.
 */
public final class LoginThrottle {
    private record Record(int failures, Instant firstFailure, Instant blockedUntil) {}

    private final ConcurrentHashMap<InetAddress, Record> records = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int freeFailures, blockAfter;
    private final Duration maxDelay, window, blockFor;

    public LoginThrottle(Clock clock, int freeFailures, Duration maxDelay, int blockAfter, Duration window, Duration blockFor) {
        this.clock = clock;
        this.freeFailures = freeFailures;
        this.maxDelay = maxDelay;
        this.blockAfter = blockAfter;
        this.window = window;
        this.blockFor = blockFor;
    }

    /** Delays cap at 8 s; the failure window and the block last {@code blockTime}. */
    public static LoginThrottle of(int failuresBeforeDelay, int failuresBeforeBlock, Duration blockTime) {
        return new LoginThrottle(Clock.systemUTC(), failuresBeforeDelay, Duration.ofSeconds(8), failuresBeforeBlock, blockTime, blockTime);
    }

    /** True while the address is refused outright. */
    public boolean isBlocked(InetAddress ip) {
        Record r = current(ip);
        return r != null && r.blockedUntil != null && clock.instant().isBefore(r.blockedUntil);
    }

    /** How long to wait before answering this address's next login attempt. */
    public Duration delayFor(InetAddress ip) {
        Record r = current(ip);
        if (r == null || r.failures < freeFailures) return Duration.ZERO;
        long shift = Math.min(20, r.failures - freeFailures);
        Duration d = Duration.ofMillis(250L << shift);
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }

    /** Records a failure; returns true when this failure started a block (worth a log line). */
    public boolean recordFailure(InetAddress ip) {
        Instant now = clock.instant();
        Record updated = records.compute(ip, (k, r) -> {
            if (r == null || now.isAfter(r.firstFailure.plus(window))) return new Record(1, now, null);
            int n = r.failures + 1;
            Instant blocked = n >= blockAfter ? now.plus(blockFor) : r.blockedUntil;
            return new Record(n, r.firstFailure, blocked);
        });
        if (records.size() > 100_000) prune(now);
        return updated.failures == blockAfter;
    }

    public void recordSuccess(InetAddress ip) {
        records.remove(ip);
    }

    /** Waits out the delay for this address (on a virtual thread this costs nothing but time). */
    public void pause(InetAddress ip) throws InterruptedException {
        Duration d = delayFor(ip);
        if (!d.isZero()) Thread.sleep(d);
    }

    private Record current(InetAddress ip) {
        Record r = records.get(ip);
        if (r == null) return null;
        Instant now = clock.instant();
        boolean stale = now.isAfter(r.firstFailure.plus(window)) && (r.blockedUntil == null || now.isAfter(r.blockedUntil));
        if (stale) {
            records.remove(ip, r);
            return null;
        }
        return r;
    }

    private void prune(Instant now) {
        records.entrySet().removeIf(e -> now.isAfter(e.getValue().firstFailure.plus(window))
                && (e.getValue().blockedUntil == null || now.isAfter(e.getValue().blockedUntil)));
    }
}
