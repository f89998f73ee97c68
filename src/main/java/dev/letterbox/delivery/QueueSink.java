package dev.letterbox.delivery;

import dev.letterbox.store.QueuedMessage;
import java.util.List;

/** Where the pipeline puts what leaves through the outbound queue (the queue implements it). */
public interface QueueSink {
    /** Durably queues the message (on disk when this returns); returns its queue id. */
    long enqueue(QueuedMessage.Envelope envelope, List<QueuedMessage.NewRecipient> recipients, String logContext);

    /**
     * Takes back an entry this message queued a moment ago, when the message as a whole could not be
     * taken (the sender will send it again, and must not cause two copies).
     */
    void withdraw(long id, String logContext);
}
