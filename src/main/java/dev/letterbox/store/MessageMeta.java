package dev.letterbox.store;

import java.time.Instant;

/**
 * What the store knows of one message in one mailbox, without its bytes. {@code size} is the exact
 * octet count of the blob (RFC822.SIZE, POP3 LIST). {@code savedDate} is when it entered this mailbox.
 */
public record MessageMeta(long uid, long modSeq, Flags flags, Instant internalDate, Instant savedDate,
                          long size, BlobId blob) {}
