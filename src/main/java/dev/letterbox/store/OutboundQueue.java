package dev.letterbox.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

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
 *
 * <p>Several nodes may share one queue. A node attempts only messages it has claimed
 * ({@link #claimDue}); the writes that record what it did carry its lease and are refused
 * ({@link LeaseLostException}) once another node has claimed the message, so a node that lost its
 * lease never overwrites what the new holder does. Operator actions ({@link #retry}, {@link #remove})
 * need no lease.
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
     * Claims messages with work to do at {@code now}, lowest id first, at most {@code limit}, for
     * node {@code node} until {@code now + leaseFor}: a message has work when a recipient waits and
     * its next attempt is due, or a final recipient is not yet reported. Only messages nobody holds
     * (no lease, or one that has run out) are claimed, and the claim is one write: two nodes
     * claiming at once never get the same message.
     */
    List<QueuedMessage.Lease> claimDue(String node, Instant now, int limit, Duration leaseFor);

    /**
     * Extends the leases of {@code node} on these messages to {@code until}, in one write; returns
     * the ids it extended. A missing id is a lease lost (another node has the message) or a
     * message that left the queue.
     */
    Set<Long> renew(String node, Collection<Long> messageIds, Instant until);

    /** Gives leases back, in one write (a no-op for those no longer their owner's). */
    void release(Collection<QueuedMessage.Lease> leases);

    /**
     * Gives back every lease {@code node} holds: at its start, what an earlier run of the same node
     * held when it died. Returns how many. Node ids must be unique to each node for this.
     */
    int releaseAll(String node);

    /** The earliest next attempt of any waiting recipient (empty when none waits). */
    Optional<Instant> nextAttempt();

    /**
     * What a write under a lease does with the lease: {@code RELEASE} with the holder's last write
     * for the claim (the message is claimable again at once), {@code KEEP} while other writes for
     * the same claim are to come.
     */
    enum AfterWrite { KEEP, RELEASE }

    /**
     * Applies one attempt's outcomes to recipients of {@code lease}'s message (each counts as an
     * attempt); recipients no longer in the queue are skipped. Returns true when the message left
     * the queue.
     *
     * @throws LeaseLostException the lease is not the holder's any more: nothing was applied
     */
    boolean record(QueuedMessage.Lease lease, List<QueuedMessage.Transition> transitions, AfterWrite then);

    /**
     * Queues a delivery report (a DSN, from the null sender) and, in the same write, marks what it
     * reports: {@code reported} final recipients of {@code aboutMessage}, and {@code delayWarned}
     * waiting ones. So a report is queued exactly once, also across restarts. Returns the report's
     * queue id. {@code lease} is the holder's lease on the reported message.
     *
     * @throws LeaseLostException the lease is not the holder's any more: nothing was queued or marked
     */
    long enqueueReport(QueuedMessage.Envelope report, List<QueuedMessage.NewRecipient> recipients, QueuedMessage.Lease lease,
                       Collection<Long> reported, Collection<Long> delayWarned, AfterWrite then);

    /**
     * Marks final recipients reported without a report (none was wanted); true when the message left the queue.
     *
     * @throws LeaseLostException the lease is not the holder's any more: nothing was marked
     */
    boolean markReported(QueuedMessage.Lease lease, Collection<Long> recipientIds, AfterWrite then);

    /**
     * Makes the waiting recipients of one message (or of every message) due at {@code now}; returns
     * how many recipients that concerned.
     */
    int retry(OptionalLong messageId, Instant now);

    /** Removes a message and all its recipients at once, without any report; false when there is none. */
    boolean remove(long messageId);
}
