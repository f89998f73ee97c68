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
import dev.letterbox.store.StoreException;
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
     * One account's copies of a message: the blob (shared, or the account's own when its filters
     * changed the header), and where the copies go (see {@link FilterDecision.Copy}).
     *
     * @param structure the blob's serialized structure, or null when it could not be parsed
     */
    record Placement(Account account, BlobId blob, long size, byte[] structure, List<FilterDecision.Copy> copies) {}

    /**
     * Stores each placement's copies, an account's all in one transaction (all or none), the
     * accounts' transactions submitted together so the store can commit them with a single fsync.
     * A copy without a mailbox goes to INBOX, or to Junk when {@code junk}. Returns one outcome per
     * placement, in order; a {@link DeliveryOutcome.Stored} is durable.
     */
    List<DeliveryOutcome> deliver(List<Placement> placements, boolean junk, String logContext) {
        Instant now = Instant.now();
        List<CompletableFuture<List<DeliveryOutcome.Copy>>> futures = new ArrayList<>();
        for (Placement p : placements) {
            futures.add(store.writeAsync(p.account().id(), tx -> {
                List<DeliveryOutcome.Copy> copies = new ArrayList<>();
                for (FilterDecision.Copy copy : p.copies()) {
                    NewMessage m = new NewMessage(p.blob(), p.size(), flags(copy.flags()), now, p.structure());
                    // INBOX by name: the statement that finds it also takes the UID
                    AppendResult r = copy.mailbox() == null && !junk ? tx.append(Mailbox.INBOX, m)
                            : tx.append(target(tx, copy, junk, logContext).id(), m);
                    copies.add(new DeliveryOutcome.Copy(r.mailboxId(), r.uid()));
                }
                return copies;
            }));
        }
        List<DeliveryOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < placements.size(); i++) {
            Placement p = placements.get(i);
            Account account = p.account();
            try {
                List<DeliveryOutcome.Copy> copies = futures.get(i).join();
                outcomes.add(new DeliveryOutcome.Stored(account, copies));
                for (DeliveryOutcome.Copy c : copies) {
                    LOG.log(INFO, "{0} delivered to {1}{2} uid={3} size={4}", logContext, account.address(),
                            junk ? " (Junk)" : "", c.uid(), p.size());
                }
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

    /** A filter's flags: those the store does not take (an unknown \system flag) are left out. */
    private static Flags flags(List<String> names) {
        Flags out = Flags.NONE;
        for (String name : names) {
            try {
                out = out.plus(Flags.parse(List.of(name)));
            } catch (IllegalArgumentException e) {
                // RFC 5232 §3: an invalid flag is ignored
            }
        }
        return out;
    }

    /**
     * Takes back copies stored for a message that is then answered with a failure (the sender sends
     * it again): expunged, as a user would. Best effort: one that cannot be removed now is logged
     * and stays (the sender's retry then brings a second copy, never a lost one).
     */
    void withdraw(List<DeliveryOutcome.Stored> stored, String logContext) {
        for (DeliveryOutcome.Stored s : stored) {
            for (DeliveryOutcome.Copy copy : s.copies()) {
                try {
                    store.write(s.account().id(), tx -> tx.expunge(copy.mailboxId(), new long[] {copy.uid()}));
                    LOG.log(INFO, "{0} copy for {1} taken back (uid={2}): the message failed", logContext,
                            s.account().address(), copy.uid());
                } catch (RuntimeException e) {
                    LOG.log(WARNING, "{0} cannot take back the copy for {1} (uid={2}); a retry may deliver it twice: {3}",
                            logContext, s.account().address(), copy.uid(), e.toString());
                }
            }
        }
    }

    /**
     * Where a copy goes: the mailbox a filter named (made first when it asked so, RFC 5490 :create),
     * or INBOX when that mailbox does not exist (RFC 5228 §4.1: a failed fileinto keeps the message);
     * without a name, INBOX or Junk.
     */
    private static Mailbox target(WriteTx tx, FilterDecision.Copy copy, boolean junk, String logContext) {
        if (copy.mailbox() == null) return target(tx, junk);
        Optional<Mailbox> named = tx.mailbox(copy.mailbox());
        if (named.isPresent()) return named.get();
        if (copy.create()) {
            try {
                return tx.createMailbox(copy.mailbox(), Optional.empty());
            } catch (MailboxException e) {
                LOG.log(WARNING, "{0} cannot create mailbox {1} for a filter: {2}", logContext, copy.mailbox(), e.getMessage());
            }
        } else {
            LOG.log(INFO, "{0} a filter named mailbox {1}, which does not exist: kept in INBOX", logContext, copy.mailbox());
        }
        return target(tx, false);
    }

    private static Mailbox target(WriteTx tx, boolean junk) {
        if (!junk) return tx.mailbox(Mailbox.INBOX).orElseThrow(() -> new StoreException("no INBOX"));
        return junk(tx);
    }

    private static Mailbox junk(WriteTx tx) {
        Optional<Mailbox> marked = tx.mailboxWithUse(SpecialUse.JUNK);
        if (marked.isPresent()) return marked.get();
        return tx.mailbox(JUNK_NAME).orElseGet(() -> tx.createMailbox(JUNK_NAME, Optional.of(SpecialUse.JUNK)));
    }
}
