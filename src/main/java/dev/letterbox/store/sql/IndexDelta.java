package dev.letterbox.store.sql;

import dev.letterbox.store.Flags;

import java.util.List;

/**
 * What one committed unit of work did to one mailbox's messages, in the order it did it: the data an
 * in-memory index needs to follow the change without reading the store. A unit takes exactly one
 * MODSEQ per mailbox it changes (see SqlWriteTx), so deltas of a mailbox come with consecutive MODSEQs
 * while only this node writes; a gap means someone else wrote in between.
 */
record IndexDelta(long accountId, long mailboxId, long modSeq, List<Op> ops) {
    sealed interface Op {}

    /** A message arrived (APPEND, delivery, COPY/MOVE into the mailbox). */
    record Added(long uid, Flags flags, long internalDate, long size) implements Op {}

    record FlagsSet(long uid, Flags flags) implements Op {}

    record Expunged(long uid) implements Op {}
}
