package dev.letterbox.store;

import java.time.Instant;

/**
 * A message to add to a mailbox: its already-stored blob, its size, initial flags, internal date,
 * and {@code structure}, the parsed-once form of the message kept with the blob (opaque to the store;
 * may be null when the caller did not parse it).
 */
public record NewMessage(BlobId blob, long size, Flags flags, Instant internalDate, byte[] structure) {}
