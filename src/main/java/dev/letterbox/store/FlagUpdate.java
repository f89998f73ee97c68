package dev.letterbox.store;

import java.util.List;

/**
 * The outcome of a flag STORE: {@code changed} are the messages whose flags now differ (with their
 * new flags and MODSEQ); {@code unchanged} are those a STORE with UNCHANGEDSINCE refused to touch
 * (RFC 7162 §3.1.3, reported as MODIFIED).
 */
public record FlagUpdate(List<MessageMeta> changed, long[] modifiedSinceRefused) {
    public enum Mode { ADD, REMOVE, REPLACE }
}
