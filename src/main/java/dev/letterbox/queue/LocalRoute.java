package dev.letterbox.queue;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.auth.Directory;
import dev.letterbox.auth.Recipient;
import dev.letterbox.delivery.DeliveryOutcome;
import dev.letterbox.delivery.LocalDelivery;
import dev.letterbox.relay.Outcome;
import dev.letterbox.store.Account;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.QueuedMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Queued recipients in a domain we host (delivery reports to our own users, or a domain added
 * while mail for it waited): they never go out; they are stored here like received mail, in a
 * copy of the message with a Return-Path in front (the queued bytes are never touched).
 */
final class LocalRoute {
    private static final System.Logger LOG = System.getLogger("letterbox.queue");

    private final Directory directory;
    private final LocalDelivery delivery;
    private final BlobStore blobs;

    LocalRoute(Directory directory, LocalDelivery delivery, BlobStore blobs) {
        this.directory = directory;
        this.delivery = delivery;
        this.blobs = blobs;
    }

    boolean isLocal(String domain) {
        return directory.hostsDomain(domain);
    }

    /** Stores the message for each recipient's accounts; an outcome per recipient id. */
    Map<Long, Outcome> deliver(QueuedMessage m, List<QueuedMessage.Recipient> recipients, String logContext) {
        Map<Long, Outcome> out = new LinkedHashMap<>();
        Map<Long, List<Account>> accountsOf = new LinkedHashMap<>();
        Map<Long, Account> all = new LinkedHashMap<>();
        for (QueuedMessage.Recipient r : recipients) {
            switch (directory.resolve(r.address())) {
                case Recipient.Deliverable d when !d.accounts().isEmpty() -> {
                    if (!d.forwards().isEmpty()) {
                        LOG.log(INFO, "{0}: {1} also forwards to {2}; queued mail is not forwarded again", logContext,
                                r.address(), d.forwards());
                    }
                    accountsOf.put(r.id(), d.accounts());
                    for (Account a : d.accounts()) all.putIfAbsent(a.id(), a);
                }
                case Recipient.Deliverable d -> out.put(r.id(), failed("550 5.4.6 " + r.address()
                        + " only forwards to other servers, which queued mail does not follow"));
                case Recipient.NotLocal n -> out.put(r.id(), new Outcome.Deferred("451 4.3.0 " + n.domain()
                        + " is no longer hosted here; it will be routed again", Optional.empty()));
                case Recipient.UnknownUser u -> out.put(r.id(), failed("550 5.1.1 no such user here"));
                case Recipient.Invalid i -> out.put(r.id(), failed("553 5.1.3 not a valid address"));
            }
        }
        if (all.isEmpty()) return out;
        List<DeliveryOutcome> outcomes;
        try (InputStream in = blobs.open(m.envelope().blob())) {
            byte[] returnPath = ("Return-Path: <" + m.envelope().sender() + ">\r\n").getBytes(StandardCharsets.UTF_8);
            var copy = delivery.storeBlob(returnPath, in, false, 0);
            outcomes = delivery.deliver(copy, new ArrayList<>(all.values()), logContext);
        } catch (IOException | RuntimeException e) {
            LOG.log(WARNING, "{0}: local delivery failed: {1}", logContext, e.toString());
            Outcome later = new Outcome.Deferred("451 4.3.0 cannot store the message right now", Optional.empty());
            accountsOf.keySet().forEach(id -> out.put(id, later));
            return out;
        }
        Map<Long, DeliveryOutcome> byAccount = new LinkedHashMap<>();
        for (DeliveryOutcome o : outcomes) byAccount.put(o.account().id(), o);
        accountsOf.forEach((recipientId, accounts) -> out.put(recipientId, outcome(accounts, byAccount)));
        return out;
    }

    /** Stored for any of its accounts counts as delivered; else a storage failure retries; else it is over quota. */
    private static Outcome outcome(List<Account> accounts, Map<Long, DeliveryOutcome> byAccount) {
        boolean retry = false;
        for (Account a : accounts) {
            switch (byAccount.get(a.id())) {
                case DeliveryOutcome.Stored s -> {
                    return new Outcome.Delivered(Optional.empty(), false);
                }
                case DeliveryOutcome.Failed f -> retry = true;
                case DeliveryOutcome.OverQuota q -> { }
            }
        }
        return retry ? new Outcome.Deferred("451 4.3.0 cannot store the message right now", Optional.empty())
                : failed("552 5.2.2 mailbox full");
    }

    private static Outcome failed(String reply) {
        return new Outcome.Failed(reply, Optional.empty());
    }
}
