package dev.letterbox.store;

/**
 * The outcome of COPY/MOVE: {@code sourceUids[i]} became {@code targetUids[i]} in the target mailbox
 * (COPYUID). Both arrays are in ascending source-UID order; UIDs that no longer existed are absent.
 */
public record CopyResult(long targetUidValidity, long[] sourceUids, long[] targetUids) {}
