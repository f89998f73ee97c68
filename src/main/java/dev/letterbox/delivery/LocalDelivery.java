package dev.letterbox.delivery;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.store.Account;
import dev.letterbox.store.AppendResult;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.NewMessage;
import dev.letterbox.store.SpecialUse;
import dev.letterbox.store.WriteTx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Stores one committed blob for several local accounts: one append per account into INBOX (or Junk),
 * submitted together so the store can commit them with a single fsync.
 */
final class LocalDelivery {
    private static final System.Logger LOG = System.getLogger("letterbox.delivery");
    /** Where junk goes when the account has no mailbox marked \Junk (RFC 6154): made on demand. */
    static final String JUNK_NAME = "Junk";

    private final MailStore store;

    LocalDelivery(MailStore store) {
        this.store = store;
    }

    /**
     * Appends the blob to each account's INBOX, or its Junk mailbox when {@code junk}. Returns one
     * outcome per account, in order; a {@link DeliveryOutcome.Stored} is durable.
     *
     * @param structure the message's serialized structure, or null when it could not be parsed
     */
    List<DeliveryOutcome> deliver(BlobId blob, long size, byte[] structure, List<Account> accounts, boolean junk,
                                  String logContext) {
        Instant now = Instant.now();
        record Appended(long mailboxId, long uid) {}
        List<CompletableFuture<Appended>> futures = new ArrayList<>();
        NewMessage message = new NewMessage(blob, size, Flags.NONE, now, structure);
        for (Account account : accounts) {
            futures.add(store.writeAsync(account.id(), tx -> {
                AppendResult r = junk ? tx.append(junk(tx).id(), message) : tx.append(Mailbox.INBOX, message);
                return new Appended(r.mailboxId(), r.uid());
            }));
        }
        List<DeliveryOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < accounts.size(); i++) {
            Account account = accounts.get(i);
            try {
                Appended a = futures.get(i).join();
                long uid = a.uid();
                outcomes.add(new DeliveryOutcome.Stored(account, a.mailboxId(), uid));
                LOG.log(INFO, "{0} delivered to {1}{2} uid={3} size={4}", logContext, account.address(),
                        junk ? " (Junk)" : "", uid, size);
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof MailboxException me && me.reason() == MailboxException.Reason.OVER_QUOTA) {
                    LOG.log(INFO, "{0} not delivered to {1}: over quota", logContext, account.address());
                    outcomes.add(new DeliveryOutcome.OverQuota(account));
                } else {
                    LOG.log(WARNING, "{0} delivery to {1} failed: {2}", logContext, account.address(), String.valueOf(cause));
                    outcomes.add(new DeliveryOutcome.Failed(account, String.valueOf(cause)));
                }
            }
        }
        return outcomes;
    }

    /**
     * Takes back copies stored for a message that is then answered with a failure (the sender sends
     * it again): expunged, as a user would. Best effort: one that cannot be removed now is logged
     * and stays (the sender's retry then brings a second copy, never a lost one).
     */
    void withdraw(List<DeliveryOutcome.Stored> copies, String logContext) {
        for (DeliveryOutcome.Stored copy : copies) {
            try {
                store.write(copy.account().id(), tx -> tx.expunge(copy.mailboxId(), new long[] {copy.uid()}));
                LOG.log(INFO, "{0} copy for {1} taken back (uid={2}): the message failed", logContext,
                        copy.account().address(), copy.uid());
            } catch (RuntimeException e) {
                LOG.log(WARNING, "{0} cannot take back the copy for {1} (uid={2}); a retry may deliver it twice: {3}",
                        logContext, copy.account().address(), copy.uid(), e.toString());
            }
        }
    }

    private static Mailbox junk(WriteTx tx) {
        Optional<Mailbox> marked = tx.mailboxWithUse(SpecialUse.JUNK);
        if (marked.isPresent()) return marked.get();
        return tx.mailbox(JUNK_NAME).orElseGet(() -> tx.createMailbox(JUNK_NAME, Optional.of(SpecialUse.JUNK)));
    }
}
