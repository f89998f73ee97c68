package dev.letterbox.dmarc;

import dev.letterbox.store.QueuedMessage;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where a finished aggregate report goes: the outbound queue. The store's
 * {@link dev.letterbox.store.DmarcReportStore#enqueue} is the implementation
 * ({@code store.dmarcReports()::enqueue}): it queues the message and marks the report sent in one
 * durable write, so a report is queued once whatever crashes when.
 */
@FunctionalInterface
public interface ReportSink {
    /**
     * Durably queues the report's message (its blob already written) and marks report
     * {@code reportId} sent, together. Empty when the report was already sent (nothing queued).
     */
    OptionalLong enqueue(long reportId, QueuedMessage.Envelope envelope, List<QueuedMessage.NewRecipient> recipients);
}
