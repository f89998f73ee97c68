package dev.letterbox.delivery;

import java.util.Map;
import java.util.OptionalLong;

/**
 * What the pipeline did with one message: the one answer every way in maps to its own words (an
 * SMTP reply, a sysexits code, a queue outcome per recipient).
 */
public sealed interface Outcome {
    /**
     * Taken: each recipient's result is in {@code recipients} (by the address as written); what it
     * calls delivered is committed, and everything queued is on disk. {@code queueId} is set when
     * something was queued (remote recipients, delivery reports, failures to report); {@code junk}
     * counts the copies filed in Junk. Only a message from the queue reports {@link
     * RecipientResult#FAILED} here: for the others any storage failure makes the whole message
     * {@link Deferred}.
     */
    record Delivered(Map<String, RecipientResult> recipients, int stored, int junk, OptionalLong queueId)
            implements Outcome {}

    /** Not taken, for good: the sender should not retry. Nothing was stored or queued. */
    record Refused(Reason reason, String enhancedCode, String text) implements Outcome {}

    /** Not taken now; the sender should retry later. Nothing was kept (copies already stored were taken back). */
    record Deferred(String enhancedCode, String text) implements Outcome {}

    enum Reason {
        /** Every local recipient is over quota and there was nobody else. */
        MAILBOX_FULL,
        /** A check refused the message (DMARC, a filter, a block list). */
        POLICY
    }

    /** What happened for one recipient as the sender wrote it. */
    enum RecipientResult {
        /** Stored for at least one of its accounts, or queued for its remote addresses. */
        DELIVERED,
        /** Each of its accounts is over quota. */
        OVER_QUOTA,
        /** Not stored for a storage reason; try again later. */
        FAILED
    }
}
