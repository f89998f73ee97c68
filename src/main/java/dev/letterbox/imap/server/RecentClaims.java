package dev.letterbox.imap.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How far each mailbox's \Recent mark has been claimed by sessions of this process, ahead of the
 * store. A session moves the stored mark without waiting for the write (see
 * {@link SelectCommands#claimRecentLater}); a second session selecting the mailbox in the meantime
 * would read the old mark and take the same messages as \Recent, which RFC 3501 §2.3.2 gives to one
 * session only. Claims made here are atomic, so the first session gets them and the others do not.
 *
 * <p>An entry only matters while the store's write of the same claim may still be pending, a few
 * milliseconds; entries not touched for a minute are dropped once there are many of them.
 */
final class RecentClaims {
    private static final int SWEEP_ABOVE = 10_000;
    private static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(1);

    private record Claim(long mark, long atNanos) {}

    private final ConcurrentHashMap<Long, Claim> claimed = new ConcurrentHashMap<>();
    private final AtomicInteger claimsSinceSweep = new AtomicInteger();

    /** The mark in effect without claiming (EXAMINE): UIDs at or above it are still \Recent. */
    long mark(long mailboxId, long storedMark) {
        Claim c = claimed.get(mailboxId);
        return c == null ? storedMark : Math.max(storedMark, c.mark());
    }

    /**
     * The mark claimed here, 0 when none: STATUS counts \Recent from it when the store's mark is
     * still behind (RFC 3501 §6.3.10: STATUS RECENT counts what a SELECT would now get).
     */
    long claimedMark(long mailboxId) {
        Claim c = claimed.get(mailboxId);
        return c == null ? 0 : c.mark();
    }

    /**
     * Claims every UID below {@code upTo} and returns the mark as it was: the UIDs at or above the
     * returned value (and below {@code upTo}) are \Recent for the caller alone.
     */
    long claim(long mailboxId, long storedMark, long upTo) {
        long[] before = new long[1];
        long now = System.nanoTime();
        claimed.compute(mailboxId, (id, c) -> {
            long mark = c == null ? storedMark : Math.max(storedMark, c.mark());
            before[0] = mark;
            return new Claim(Math.max(mark, upTo), now);
        });
        if (claimed.size() > SWEEP_ABOVE && claimsSinceSweep.incrementAndGet() >= 1_000) {
            claimsSinceSweep.set(0);
            claimed.values().removeIf(c -> now - c.atNanos() > FORGET_AFTER_NANOS);
        }
        return before[0];
    }
}
