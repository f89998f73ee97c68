package dev.letterbox.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The durable outbound queue: mail accepted for remote recipients waits here until the relay has
 * delivered it or given up. Obtained from {@link MailStore#queue()}.
 *
 * <p>Invariants: {@link #enqueue} is one durable write (message, recipients and the reference to the
 * blob commit together, fsynced before it returns), so an SMTP 250 can rest on it; a queued
 * message's blob is never deleted while the message is queued; entries survive restarts.
 *
 * <p>Every state change is one durable write. A message leaves the queue (and releases its blob) in
 * the same write that makes its last recipient final and reported: no recipient is waiting for an
 * attempt and none owes a delivery report.
 */
public interface OutboundQueue {
    /** Records a message with its recipients (at least one); returns the message's id. */
    long enqueue(QueuedMessage.Envelope envelope, List<QueuedMessage.NewRecipient> recipients);

    Optional<QueuedMessage> message(long id);

    /** Queued messages with an id above {@code afterId}, in id order, at most {@code limit}. */
    List<QueuedMessage> list(long afterId, int limit);

    /** Recipients in the queue by state (states with none are absent). */
    Map<QueuedMessage.State, Long> recipientCounts();

    /**
     * Ids of messages with work to do at {@code now}, lowest first, at most {@code limit}: a
     * recipient waiting whose next attempt is due, or a final recipient not yet reported.
     */
    List<Long> due(Instant now, int limit);

    /** The earliest next attempt of any waiting recipient (empty when none waits). */
    Optional<Instant> nextAttempt();

    /**
     * Applies one attempt's outcomes to recipients of {@code messageId} (each counts as an attempt);
     * recipients no longer in the queue are skipped. Returns true when the message left the queue.
     */
    boolean record(long messageId, List<QueuedMessage.Transition> transitions);

    /**
     * Queues a delivery report (a DSN, from the null sender) and, in the same write, marks what it
     * reports: {@code reported} final recipients of {@code aboutMessage}, and {@code delayWarned}
     * waiting ones. So a report is queued exactly once, also across restarts. Returns the report's
     * queue id.
     */
    long enqueueReport(QueuedMessage.Envelope report, List<QueuedMessage.NewRecipient> recipients, long aboutMessage,
                       Collection<Long> reported, Collection<Long> delayWarned);

    /** Marks final recipients reported without a report (none was wanted); true when the message left the queue. */
    boolean markReported(long messageId, Collection<Long> recipientIds);

    /**
     * Makes the waiting recipients of one message (or of every message) due at {@code now}; returns
     * how many recipients that concerned.
     */
    int retry(OptionalLong messageId, Instant now);

    /** Removes a message and all its recipients at once, without any report; false when there is none. */
    boolean remove(long messageId);
}
