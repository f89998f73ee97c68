package dev.letterbox.store;

/**
 * A message's row with the structure parsed from it at delivery, as stored ({@code structure} is
 * null for a message stored without one, or when it was not asked for).
 */
public record StoredMessage(MessageMeta meta, byte[] structure) {}
