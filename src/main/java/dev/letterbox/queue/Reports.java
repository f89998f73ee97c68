package dev.letterbox.queue;

import static java.lang.System.Logger.Level.INFO;

import dev.letterbox.relay.DeliveryReport;
import dev.letterbox.relay.Outcome;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.OutboundQueue;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.QueuedMessage.Notify;
import dev.letterbox.store.QueuedMessage.Recipient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Delivery status notifications (RFC 3461 §6.2, RFC 3464) for queued messages. A report is queued
 * like any message, from the null sender, to the original sender (so one to our own user is stored
 * in their INBOX by the queue's local route), in the same store write that marks what it reports:
 * it is queued once, whatever crashes or restarts come before or after.
 *
 * <p>Who gets one: never a message from the null sender (a report about a report would loop);
 * failures unless NOTIFY said otherwise (FAILURE is the default, RFC 3461 §4.1); successes only
 * with NOTIFY=SUCCESS, and only where the next hop does not take over (it did not offer DSN, or it
 * was our own mailbox); delays only when delay warnings are configured, once per recipient.
 */
final class Reports {
    private static final System.Logger LOG = System.getLogger("letterbox.queue");

    private final OutboundQueue queue;
    private final BlobStore blobs;
    private final String hostname;
    private final RetrySchedule schedule;
    /** Where a report for an envelope sender goes: a valid SRS address of ours goes to the sender it encodes. */
    private final java.util.function.UnaryOperator<String> reportAddress;

    Reports(OutboundQueue queue, BlobStore blobs, String hostname, RetrySchedule schedule,
            java.util.function.UnaryOperator<String> reportAddress) {
        this.reportAddress = reportAddress;
        this.queue = queue;
        this.blobs = blobs;
        this.hostname = hostname;
        this.schedule = schedule;
    }

    static boolean wantsFailure(QueuedMessage m, Recipient r) {
        return !m.envelope().sender().isEmpty() && r.notifyOn().map(n -> n.contains(Notify.FAILURE)).orElse(true);
    }

    static boolean wantsSuccess(QueuedMessage m, Recipient r) {
        return !m.envelope().sender().isEmpty() && r.notifyOn().map(n -> n.contains(Notify.SUCCESS)).orElse(false);
    }

    static boolean wantsDelay(QueuedMessage m, Recipient r) {
        return !m.envelope().sender().isEmpty() && r.notifyOn().map(n -> n.contains(Notify.DELAY)).orElse(true);
    }

    /**
     * Reports the final, not yet reported recipients of {@code m} in one DSN (or marks them when none
     * is wanted), under {@code lease}, doing {@code then} with it.
     */
    void reportFinal(QueuedMessage m, QueuedMessage.Lease lease, OutboundQueue.AfterWrite then) throws IOException {
        List<Long> finals = new ArrayList<>();
        List<DeliveryReport.Entry> entries = new ArrayList<>();
        for (Recipient r : m.recipients()) {
            if (!r.isFinal() || r.reported()) continue;
            finals.add(r.id());
            boolean failed = r.state() == QueuedMessage.State.FAILED;
            if (failed ? !wantsFailure(m, r) : !wantsSuccess(m, r)) continue;
            DeliveryReport.Action action = failed ? DeliveryReport.Action.FAILED
                    : r.remoteMta().isPresent() ? DeliveryReport.Action.RELAYED : DeliveryReport.Action.DELIVERED;
            entries.add(new DeliveryReport.Entry(r.address(), r.orcpt(), action, failed ? r.lastError() : Optional.empty(),
                    r.remoteMta(), Optional.empty()));
        }
        if (finals.isEmpty()) {
            if (then == OutboundQueue.AfterWrite.RELEASE) queue.release(List.of(lease));
            return;
        }
        if (entries.isEmpty()) {
            queue.markReported(lease, finals, then);
            return;
        }
        send(m, lease, then, entries, finals, List.of());
    }

    /**
     * A delay warning for recipients that have waited longer than the configured time and not been
     * warned; written under {@code lease}, which it keeps (the attempt's outcomes come next).
     */
    void warnDelayed(QueuedMessage m, QueuedMessage.Lease lease, Map<Recipient, Outcome.Deferred> deferred, Instant now,
                     Optional<Duration> after) {
        if (after.isEmpty() || now.isBefore(m.envelope().received().plus(after.get()))) return;
        List<Long> warned = new ArrayList<>();
        List<DeliveryReport.Entry> entries = new ArrayList<>();
        deferred.forEach((r, why) -> {
            if (r.delayWarned() || !wantsDelay(m, r)) return;
            warned.add(r.id());
            entries.add(new DeliveryReport.Entry(r.address(), r.orcpt(), DeliveryReport.Action.DELAYED, Optional.of(why.reply()),
                    why.remoteMta(), Optional.of(schedule.expiry(m.envelope().received()))));
        });
        if (entries.isEmpty()) return;
        try {
            send(m, lease, OutboundQueue.AfterWrite.KEEP, entries, List.of(), warned);
        } catch (IOException e) {
            LOG.log(INFO, "queue {0}: cannot write a delay warning now: {1}", m.id(), e.getMessage());
        }
    }

    private void send(QueuedMessage m, QueuedMessage.Lease lease, OutboundQueue.AfterWrite then, List<DeliveryReport.Entry> entries,
                      List<Long> reported, List<Long> warned) throws IOException {
        BlobId blob;
        long size;
        try (BlobStore.BlobWriter w = blobs.create()) {
            DeliveryReport.write(w.stream(), hostname, m.envelope(), () -> blobs.open(m.envelope().blob()), entries, Instant.now());
            size = w.bytesWritten();
            blob = w.commit();
        }
        var envelope = new QueuedMessage.Envelope("", blob, size, Instant.now(), QueuedMessage.Body.EIGHT_BIT_MIME,
                m.envelope().smtputf8(), Optional.empty(), Optional.empty(), OptionalLong.empty());
        // a copy we forwarded failed: straight to the original sender, not through our own SRS address
        String address = reportAddress.apply(m.envelope().sender());
        var to = QueuedMessage.NewRecipient.pending(address, Optional.empty(), Optional.empty());
        long id = queue.enqueueReport(envelope, List.of(to), lease, reported, warned, then);
        LOG.log(INFO, "queue {0}: delivery report queued as {1} to <{2}> for {3} recipient(s): {4}", m.id(), id,
                address, entries.size(), DeliveryReport.subject(entries));
    }
}
