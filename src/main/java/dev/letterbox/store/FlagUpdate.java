package dev.letterbox.store;

import java.util.List;

/**
 * The outcome of a flag STORE: {@code changed} are the messages whose flags now differ (with their
 * new flags and MODSEQ), ascending by UID; {@code modifiedSinceRefused} are the UIDs a STORE with
 * UNCHANGEDSINCE refused to touch (RFC 7162 §3.1.3, reported as MODIFIED), ascending. Messages whose
 * flags would not change are in neither list.
 */
public record FlagUpdate(List<MessageMeta> changed, long[] modifiedSinceRefused) {
    public enum Mode { ADD, REMOVE, REPLACE }
}
