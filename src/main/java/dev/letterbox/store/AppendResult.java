package dev.letterbox.store;

/** Where an appended message landed (APPENDUID needs both numbers). */
public record AppendResult(long mailboxId, long uidValidity, long uid, long modSeq) {}
