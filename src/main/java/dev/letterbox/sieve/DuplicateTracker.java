package dev.letterbox.sieve;

/**
 * RFC 7352: the caller's memory of what was delivered. The interpreter only asks; the ids to
 * remember are in {@link SieveResult#duplicateMarks()}, for the caller to record once the delivery
 * has succeeded.
 */
@FunctionalInterface
public interface DuplicateTracker {
    DuplicateTracker NEVER_SEEN = (id, seconds) -> false;

    /** Whether {@code id} was recorded within the last {@code seconds}. */
    boolean seen(String id, long seconds);
}
