package dev.letterbox.delivery;

import dev.letterbox.store.QueuedMessage;
import java.util.List;

/** Where the pipeline puts what leaves through the outbound queue (the queue implements it). */
@FunctionalInterface
public interface QueueSink {
    /** Durably queues the message (on disk when this returns); returns its queue id. */
    long enqueue(QueuedMessage.Envelope envelope, List<QueuedMessage.NewRecipient> recipients, String logContext);
}
