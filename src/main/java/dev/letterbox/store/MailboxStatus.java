package dev.letterbox.store;

/**
 * Counters of one mailbox, as STATUS and SELECT report them. {@code sizeBytes} is the sum of the
 * messages' sizes (STATUS=SIZE); {@code recent} counts UIDs at or above the mailbox's recent mark.
 */
public record MailboxStatus(long mailboxId, long messages, long unseen, long recent, long sizeBytes,
                            long uidNext, long uidValidity, long highestModSeq, long deleted) {}
