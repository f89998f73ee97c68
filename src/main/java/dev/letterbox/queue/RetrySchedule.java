package dev.letterbox.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When to try again after a temporary failure, and when to give up. After the n-th failed attempt
 * the wait is the n-th interval (the last one repeats); no attempt is planned past the expiry, so
 * the last one happens when the message expires, and a failure then is final.
 */
public record RetrySchedule(List<Duration> intervals, Duration expire) {
    public RetrySchedule {
        if (intervals.isEmpty()) throw new IllegalArgumentException("no retry intervals");
        intervals = List.copyOf(intervals);
    }

    /** The time of the next attempt after {@code failedAttempts} (at least 1) attempts have failed. */
    public Instant next(int failedAttempts, Instant now, Instant received) {
        Duration wait = intervals.get(Math.min(Math.max(failedAttempts, 1), intervals.size()) - 1);
        Instant next = now.plus(wait);
        Instant expiry = expiry(received);
        return next.isAfter(expiry) ? expiry : next;
    }

    /** True when a message received at {@code received} must not be retried any more. */
    public boolean expired(Instant now, Instant received) {
        return !now.isBefore(expiry(received));
    }

    public Instant expiry(Instant received) {
        return received.plus(expire);
    }
}
