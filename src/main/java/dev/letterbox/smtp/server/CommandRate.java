package dev.letterbox.smtp.server;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Commands per second from one IP address, all its sessions together: a token bucket holding one
 * second's worth. A command beyond it is not refused but delayed until its token would have come,
 * so a flood slows itself down while a burst from a busy peer passes. Debt is capped at ten seconds.
 */
public final class CommandRate {
    private static final int MAX_TRACKED = 100_000;

    private final double perSecond;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    private record Bucket(double tokens, long updatedNanos) {}

    /** {@code perSecond} 0 means no limit. */
    public CommandRate(int perSecond) {
        this.perSecond = perSecond;
    }

    /** Takes one command's token; returns how long the caller should wait first (0 mostly). */
    public long delayNanos(InetAddress ip) {
        if (perSecond <= 0) return 0;
        long now = System.nanoTime();
        Bucket b = buckets.compute(ip, (k, old) -> {
            double tokens = old == null ? perSecond
                    : Math.min(perSecond, old.tokens + (now - old.updatedNanos) / 1e9 * perSecond);
            return new Bucket(Math.max(tokens - 1, -10 * perSecond), now);
        });
        if (buckets.size() > MAX_TRACKED) prune(now);
        return b.tokens >= 0 ? 0 : (long) (-b.tokens / perSecond * 1e9);
    }

    /** Sleeps out the delay (on a virtual thread this costs nothing but time). */
    public void pace(InetAddress ip) throws InterruptedException {
        long nanos = delayNanos(ip);
        if (nanos > 0) TimeUnit.NANOSECONDS.sleep(nanos);
    }

    private void prune(long now) {
        buckets.entrySet().removeIf(e -> now - e.getValue().updatedNanos > TimeUnit.SECONDS.toNanos(11));
    }
}
