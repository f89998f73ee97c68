package dev.letterbox.smtp.server;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.delivery.DeliveryOutcome;
import dev.letterbox.delivery.LocalDelivery.StoredBlob;
import dev.letterbox.smtp.MailParameters;
import dev.letterbox.smtp.SmtpReply;
import dev.letterbox.store.Account;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One message on its way to disk: a blob being written while the client sends, then local
 * delivery and queueing, then the one reply that says whether it all happened.
 *
 * <p>Blobs: the bytes stream into one blob as they arrive. With only local recipients it carries
 * Return-Path and Received in front (the final-delivery form). With remote recipients it is the
 * queue's copy (Received only, the relay adds nothing the next hop would not); when there are local
 * recipients too, their copy is made from it with a Return-Path in front.
 *
 * <p>Outcomes: 250 only when every local copy is committed and the queue entry, if any, too. A
 * local copy that fails for a storage reason makes the whole message 451 (retry; copies already
 * stored may arrive twice). A local recipient over quota while others got the message is queued as
 * failed so the relay can send the sender a DSN; when nobody got it, 552 5.2.2. A local recipient
 * that asked for a success report (NOTIFY=SUCCESS) and got its copy is queued as delivered, so the
 * relay sends that report.
 */
final class MessageIntake {
    private static final System.Logger LOG = System.getLogger("letterbox.smtp");

    private final SmtpService service;
    private final Transaction tx;
    private final String listener;
    private final String logContext;
    private final OptionalLong submitter;
    private final BlobStore.BlobWriter writer;
    private final MessageSink sink;
    private final boolean queueCopy;
    private boolean done;

    /**
     * @param received the Received field for this message
     * @param addMissingHeaders submission: add Date and Message-ID when the message has none
     */
    MessageIntake(SmtpService service, Transaction tx, byte[] received, boolean addMissingHeaders,
                  String listener, String logContext, OptionalLong submitter) throws IOException {
        this.service = service;
        this.tx = tx;
        this.listener = listener;
        this.logContext = logContext;
        this.submitter = submitter;
        this.queueCopy = !tx.remote.isEmpty();
        byte[] prefix = queueCopy ? received : concat(TraceHeaders.returnPath(tx.senderText()), received);
        this.writer = service.store.blobs().create();
        try {
            this.sink = new MessageSink(writer.stream(), prefix, addMissingHeaders ? service.hostname : null);
        } catch (IOException | RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    /** Where the client's (unstuffed) message bytes go. */
    OutputStream sink() {
        return sink;
    }

    long messageBytes() {
        return sink.messageBytes();
    }

    /** Drops the message: nothing of it stays on disk. */
    void abort() {
        if (done) return;
        done = true;
        try {
            writer.close();
        } catch (IOException e) {
            LOG.log(WARNING, "{0}: cannot discard an unfinished message: {1}", logContext, e.getMessage());
        }
    }

    /** Makes the message durable everywhere it goes and returns the reply for the client. */
    SmtpReply finish() {
        done = true;
        StoredBlob primary;
        try {
            sink.finish();
            long size = writer.bytesWritten();
            primary = new StoredBlob(writer.commit(), size);
        } catch (IOException | RuntimeException e) {
            LOG.log(WARNING, "{0}: cannot store the message: {1}", logContext, e.toString());
            closeQuietly();
            return SmtpReply.of(451, "4.3.0", "cannot store the message right now; try again later");
        }
        List<Account> accounts = new ArrayList<>(tx.accounts.values());
        StoredBlob localBlob = queueCopy ? null : primary;
        if (queueCopy && !accounts.isEmpty()) {
            try (InputStream in = service.store.blobs().open(primary.id())) {
                localBlob = service.delivery.storeBlob(TraceHeaders.returnPath(tx.senderText()), in, false, 0);
            } catch (IOException | RuntimeException e) {
                LOG.log(WARNING, "{0}: cannot store the local copy: {1}", logContext, e.toString());
                service.delivery.discard(primary.id());
                return SmtpReply.of(451, "4.3.0", "cannot store the message right now; try again later");
            }
        }
        List<DeliveryOutcome> outcomes = accounts.isEmpty() ? List.of()
                : service.delivery.deliver(localBlob, accounts, logContext);
        int stored = 0;
        List<QueuedMessage.NewRecipient> queued = new ArrayList<>(tx.remote.values());
        for (DeliveryOutcome o : outcomes) {
            switch (o) {
                case DeliveryOutcome.Stored s -> stored++;
                case DeliveryOutcome.OverQuota q -> queued.add(new QueuedMessage.NewRecipient(q.account().address(),
                        Optional.empty(), Optional.empty(), QueuedMessage.State.FAILED,
                        Optional.of("552 5.2.2 mailbox full")));
                case DeliveryOutcome.Failed f -> {
                    if (queueCopy) service.delivery.discard(primary.id());
                    return SmtpReply.of(451, "4.3.0", "cannot store the message right now; try again later");
                }
            }
        }
        if (stored == 0 && !queueCopy) return SmtpReply.of(552, "5.2.2", "mailbox full");
        queued.addAll(successReports(outcomes));
        OptionalLong queueId = OptionalLong.empty();
        if (!queued.isEmpty()) {
            StoredBlob blob = queueCopy ? primary : localBlob;
            try {
                queueId = OptionalLong.of(service.queue.enqueue(envelope(blob), queued, logContext));
            } catch (StoreException e) {
                LOG.log(WARNING, "{0}: cannot queue the message: {1}", logContext, e.getMessage());
                if (queueCopy) service.delivery.discard(primary.id());
                return SmtpReply.of(451, "4.3.0", "cannot queue the message right now; try again later");
            }
        }
        service.metrics.messageReceived(listener);
        for (int i = 0; i < stored; i++) service.metrics.messageDelivered(true);
        LOG.log(INFO, "{0}: accepted message, size={1}, {2} local cop{3}, {4} queued", logContext,
                sink.messageBytes(), stored, stored == 1 ? "y" : "ies", queued.size());
        return SmtpReply.of(250, "2.0.0", queueId.isPresent() ? "message accepted, queued as " + queueId.getAsLong()
                : "message delivered");
    }

    /** RFC 3461 §6.2.1: a NOTIFY=SUCCESS recipient whose copy was stored is queued as delivered, for its report. */
    private List<QueuedMessage.NewRecipient> successReports(List<DeliveryOutcome> outcomes) {
        List<QueuedMessage.NewRecipient> out = new ArrayList<>();
        for (Transaction.SuccessReport report : tx.successReports.values()) {
            boolean stored = outcomes.stream().anyMatch(o -> o instanceof DeliveryOutcome.Stored
                    && report.accountIds().contains(o.account().id()));
            if (stored) out.add(report.recipient());
        }
        return out;
    }

    private QueuedMessage.Envelope envelope(StoredBlob blob) {
        MailParameters p = tx.params;
        QueuedMessage.Body body = switch (p.body().orElse(MailParameters.Body.SEVEN_BIT)) {
            case SEVEN_BIT -> QueuedMessage.Body.SEVEN_BIT;
            case EIGHT_BIT_MIME -> QueuedMessage.Body.EIGHT_BIT_MIME;
            case BINARY_MIME -> QueuedMessage.Body.BINARY_MIME;
        };
        return new QueuedMessage.Envelope(tx.senderText(), blob.id(), blob.size(), Instant.now(), body,
                p.smtputf8(), p.ret().map(r -> QueuedMessage.Ret.valueOf(r.name())), p.envId(), submitter);
    }

    private void closeQuietly() {
        try {
            writer.close();
        } catch (IOException ignored) {
            // the temporary file is swept at the next start
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
