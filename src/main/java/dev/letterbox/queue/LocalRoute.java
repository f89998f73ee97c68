package dev.letterbox.queue;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.delivery.Envelope;
import dev.letterbox.delivery.Outcome;
import dev.letterbox.delivery.Pipeline;
import dev.letterbox.delivery.RecipientDecision;
import dev.letterbox.delivery.Recipients;
import dev.letterbox.relay.Outcome.Deferred;
import dev.letterbox.relay.Outcome.Delivered;
import dev.letterbox.relay.Outcome.Failed;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.QueuedMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Queued recipients in a domain we host (delivery reports to our own users, or a domain added
 * while mail for it waited): they never go out; the delivery pipeline stores them like received
 * mail, from the queued bytes (which are never touched).
 */
final class LocalRoute {
    private static final System.Logger LOG = System.getLogger("letterbox.queue");
    private static final Deferred STORAGE_LATER = new Deferred("451 4.3.0 cannot store the message right now", Optional.empty());

    private final Pipeline pipeline;
    private final BlobStore blobs;
    private final Predicate<String> hosted;

    /** @param hosted whether a domain is hosted here */
    LocalRoute(Pipeline pipeline, BlobStore blobs, Predicate<String> hosted) {
        this.pipeline = pipeline;
        this.blobs = blobs;
        this.hosted = hosted;
    }

    boolean isLocal(String domain) {
        return hosted.test(domain);
    }

    /** Stores the message for each recipient's accounts; an outcome per recipient id. */
    Map<Long, dev.letterbox.relay.Outcome> deliver(QueuedMessage m, List<QueuedMessage.Recipient> recipients, String logContext) {
        Map<Long, dev.letterbox.relay.Outcome> out = new LinkedHashMap<>();
        Map<Long, String> toDeliver = new LinkedHashMap<>();
        Recipients accepted = new Recipients();
        for (QueuedMessage.Recipient r : recipients) {
            switch (pipeline.resolve(r.address(), false, 0)) {
                case RecipientDecision.Accept a when !a.accounts().isEmpty() -> {
                    if (!a.remote().isEmpty()) {
                        LOG.log(INFO, "{0}: {1} also forwards to {2}; queued mail is not forwarded again", logContext,
                                r.address(), a.remote());
                    }
                    accepted.add(r.address(), new RecipientDecision.Accept(a.accounts(), List.of()), Optional.empty(),
                            Optional.empty());
                    toDeliver.put(r.id(), r.address());
                }
                case RecipientDecision.Accept a -> out.put(r.id(), failed("550 5.4.6 " + r.address()
                        + " only forwards to other servers, which queued mail does not follow"));
                case RecipientDecision.Refuse refuse -> out.put(r.id(), switch (refuse.reason()) {
                    case RELAY_DENIED -> new Deferred("451 4.3.0 " + r.address()
                            + " is no longer in a domain hosted here; it will be routed again", Optional.empty());
                    case UNKNOWN_USER -> failed("550 5.1.1 no such user here");
                    case MAILBOX_FULL -> failed("552 5.2.2 mailbox full");
                    case INVALID -> failed("553 5.1.3 not a valid address");
                    case SRS_FORGED, SRS_EXPIRED -> failed("550 5.7.1 not a valid SRS address of ours");
                });
            }
        }
        if (accepted.isEmpty()) return out;
        Outcome outcome;
        try (InputStream in = blobs.open(m.envelope().blob())) {
            outcome = pipeline.deliver(Envelope.local(Envelope.Origin.QUEUE, m.envelope().sender(), logContext),
                    accepted, in, false);
        } catch (IOException | RuntimeException e) {
            LOG.log(WARNING, "{0}: local delivery failed: {1}", logContext, e.toString());
            outcome = new Outcome.Deferred("4.3.0", e.toString());
        }
        Outcome result = outcome;
        toDeliver.forEach((id, address) -> out.put(id, relayOutcome(result, address)));
        return out;
    }

    private static dev.letterbox.relay.Outcome relayOutcome(Outcome outcome, String address) {
        return switch (outcome) {
            case Outcome.Delivered d -> switch (d.recipients().get(address)) {
                case DELIVERED -> new Delivered(Optional.empty(), false);
                case OVER_QUOTA -> failed("552 5.2.2 mailbox full");
                case FAILED -> STORAGE_LATER;
            };
            case Outcome.Refused r -> failed("550 " + r.enhancedCode() + " " + r.text());
            case Outcome.Deferred d -> STORAGE_LATER;
        };
    }

    private static Failed failed(String reply) {
        return new Failed(reply, Optional.empty());
    }
}
