package dev.letterbox.imap.server;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How far each mailbox's \Recent mark has been claimed by sessions of this process, ahead of the
 * store. A session moves the stored mark without waiting for the write (see
 * {@link SelectCommands#claimRecentLater}); a second session selecting the mailbox in the meantime
 * would read the old mark and take the same messages as \Recent, which RFC 3501 §2.3.2 gives to one
 * session only. Claims made here are atomic, so the first session gets them and the others do not.
 * One entry per mailbox selected since start.
 */
final class RecentClaims {
    private final ConcurrentHashMap<Long, Long> claimed = new ConcurrentHashMap<>();

    /** The mark in effect without claiming (EXAMINE): UIDs at or above it are still \Recent. */
    long mark(long mailboxId, long storedMark) {
        Long c = claimed.get(mailboxId);
        return c == null ? storedMark : Math.max(storedMark, c);
    }

    /**
     * Claims every UID below {@code upTo} and returns the mark as it was: the UIDs at or above the
     * returned value (and below {@code upTo}) are \Recent for the caller alone.
     */
    long claim(long mailboxId, long storedMark, long upTo) {
        long[] before = new long[1];
        claimed.compute(mailboxId, (id, c) -> {
            long mark = c == null ? storedMark : Math.max(storedMark, c);
            before[0] = mark;
            return Math.max(mark, upTo);
        });
        return before[0];
    }
}
