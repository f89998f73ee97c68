package dev.letterbox.queue;

import static java.lang.System.Logger.Level.INFO;

import dev.letterbox.metrics.Metrics;
import dev.letterbox.store.OutboundQueue;
import dev.letterbox.store.QueuedMessage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The queue as the protocols and the operator use it: enqueue, list and inspect, retry now,
 * delete. The CLI, the admin API and the SMTP sessions all come through here, so every change is
 * logged the same way and wakes the {@link QueueRunner} of this process (another process's runner
 * notices within its poll interval).
 */
public final class MailQueue implements dev.letterbox.delivery.QueueSink {
    private static final System.Logger LOG = System.getLogger("letterbox.queue");

    private final OutboundQueue store;
    private volatile Runnable onChange = () -> { };

    /** Without metrics: for the CLI, which reads and changes the queue of a server's data dir. */
    public MailQueue(OutboundQueue store) {
        this.store = store;
    }

    public MailQueue(OutboundQueue store, Metrics metrics) {
        this(store);
        metrics.gauge("letterbox_queue_recipients_pending", "Queued recipients waiting for delivery (pending or deferred)",
                () -> {
                    var counts = store.recipientCounts();
                    return counts.getOrDefault(QueuedMessage.State.PENDING, 0L)
                            + counts.getOrDefault(QueuedMessage.State.DEFERRED, 0L);
                });
    }

    /** Called after every change that may make work due (the runner's wake-up). */
    void onChange(Runnable wakeUp) {
        this.onChange = wakeUp;
    }

    /** Durably queues the message; returns its queue id. {@code logContext} names the session. */
    @Override
    public long enqueue(QueuedMessage.Envelope envelope, List<QueuedMessage.NewRecipient> recipients, String logContext) {
        long id = store.enqueue(envelope, recipients);
        LOG.log(INFO, "{0} queued as {1} for {2} recipient(s), size={3}", logContext, id, recipients.size(), envelope.size());
        onChange.run();
        return id;
    }

    @Override
    public void withdraw(long id, String logContext) {
        if (store.remove(id)) LOG.log(INFO, "{0}: queued message {1} taken back: the message as a whole was not taken", logContext, id);
    }

    public Optional<QueuedMessage> message(long id) {
        return store.message(id);
    }

    public List<QueuedMessage> list(long afterId, int limit) {
        return store.list(afterId, limit);
    }

    /**
     * Makes the waiting recipients of message {@code id} due now. Empty when there is no such
     * message; else how many recipients will be tried (0 when none was waiting).
     */
    public OptionalInt retryNow(long id, String who) {
        if (store.message(id).isEmpty()) return OptionalInt.empty();
        int n = store.retry(OptionalLong.of(id), Instant.now());
        LOG.log(INFO, "{0}: queued message {1} to be retried now ({2} recipient(s))", who, id, n);
        onChange.run();
        return OptionalInt.of(n);
    }

    /** Makes every waiting recipient due now; returns how many. */
    public int retryAll(String who) {
        int n = store.retry(OptionalLong.empty(), Instant.now());
        LOG.log(INFO, "{0}: whole queue to be retried now ({1} recipient(s))", who, n);
        onChange.run();
        return n;
    }

    /** Deletes a queued message without telling anyone (no DSN); false when there is none. */
    public boolean remove(long id, String who) {
        boolean removed = store.remove(id);
        if (removed) LOG.log(INFO, "{0}: queued message {1} deleted", who, id);
        return removed;
    }
}
