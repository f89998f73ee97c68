package dev.letterbox.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable outbound queue: mail accepted for remote recipients waits here until the relay has
 * delivered it or given up. Obtained from {@link MailStore#queue()}.
 *
 * <p>Invariants: {@link #enqueue} is one durable write (message, recipients and the reference to the
 * blob commit together, fsynced before it returns), so an SMTP 250 can rest on it; a queued
 * message's blob is never deleted while the message is queued; entries survive restarts.
 */
public interface OutboundQueue {
    /** Records a message with its recipients (at least one); returns the message's id. */
    long enqueue(QueuedMessage.Envelope envelope, List<QueuedMessage.NewRecipient> recipients);

    Optional<QueuedMessage> message(long id);

    /** Queued messages with an id above {@code afterId}, in id order, at most {@code limit}. */
    List<QueuedMessage> list(long afterId, int limit);

    /** Recipients in the queue by state (states with none are absent). */
    Map<QueuedMessage.State, Long> recipientCounts();
}
