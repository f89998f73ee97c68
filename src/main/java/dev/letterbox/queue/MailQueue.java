package dev.letterbox.queue;

import static java.lang.System.Logger.Level.INFO;

import dev.letterbox.metrics.Metrics;
import dev.letterbox.store.OutboundQueue;
import dev.letterbox.store.QueuedMessage;
import java.util.List;
import java.util.Optional;

/** The queue as the protocols use it: enqueue with a log line, list and inspect. */
public final class MailQueue {
    private static final System.Logger LOG = System.getLogger("letterbox.queue");

    private final OutboundQueue store;

    public MailQueue(OutboundQueue store, Metrics metrics) {
        this.store = store;
        metrics.gauge("letterbox_queue_recipients_pending", "Queued recipients waiting for delivery (pending or deferred)",
                () -> {
                    var counts = store.recipientCounts();
                    return counts.getOrDefault(QueuedMessage.State.PENDING, 0L)
                            + counts.getOrDefault(QueuedMessage.State.DEFERRED, 0L);
                });
    }

    /** Durably queues the message; returns its queue id. {@code logContext} names the session. */
    public long enqueue(QueuedMessage.Envelope envelope, List<QueuedMessage.NewRecipient> recipients, String logContext) {
        long id = store.enqueue(envelope, recipients);
        LOG.log(INFO, "{0} queued as {1} for {2} recipient(s), size={3}", logContext, id, recipients.size(), envelope.size());
        return id;
    }

    public Optional<QueuedMessage> message(long id) {
        return store.message(id);
    }

    public List<QueuedMessage> list(long afterId, int limit) {
        return store.list(afterId, limit);
    }
}
