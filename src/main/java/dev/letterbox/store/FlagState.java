package dev.letterbox.store;

/** A message's flags and the MODSEQ of their last change: all a flag sync (FETCH FLAGS) needs. */
public record FlagState(long uid, long modSeq, Flags flags) {}
