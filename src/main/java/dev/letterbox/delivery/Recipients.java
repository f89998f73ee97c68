package dev.letterbox.delivery;

import dev.letterbox.store.Account;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.QueuedMessage.Notify;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The accepted recipients of one message, each as the sender wrote it with what it resolved to:
 * local accounts (each stored for once, however many of its addresses were named) and remote
 * addresses for the queue, plus the RFC 3461 NOTIFY and ORCPT each asked for.
 */
public final class Recipients {
    /** One accepted recipient: the address as written, what it resolved to, and its DSN requests. */
    record Entry(String written, List<Account> accounts, List<String> remote, boolean forwarded,
                 Optional<Set<Notify>> notifyOn, Optional<String> orcpt) {
        boolean wantsSuccessReport() {
            return notifyOn.map(n -> n.contains(Notify.SUCCESS)).orElse(false);
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    /** Adds a recipient the resolver accepted. */
    public void add(String written, RecipientDecision.Accept accepted, Optional<Set<Notify>> notify, Optional<String> orcpt) {
        entries.add(new Entry(written, accepted.accounts(), accepted.remote(), accepted.forwarded(), notify, orcpt));
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int count() {
        return entries.size();
    }

    /** Every recipient as the sender wrote it, in order. */
    public List<String> written() {
        return entries.stream().map(Entry::written).toList();
    }

    /** The first recipient, as written, that forwards to other servers (an address of ours), if any. */
    public Optional<String> firstForwarding() {
        for (Entry e : entries) {
            if (e.forwarded() && !e.remote().isEmpty()) return Optional.of(e.written());
        }
        return Optional.empty();
    }

    /**
     * Mail for {@code forwardedFor}, an address of ours, passed on to {@code targets} elsewhere: the
     * copy leaves with a rewritten envelope sender (SRS) and a Delivered-To field naming
     * {@code forwardedFor}, and is not sent when it has been here before (a loop). Alias and account
     * forwarding make these from the recipients; a rule's redirect makes one the same way.
     */
    public record Forward(String forwardedFor, List<String> targets, Optional<Set<Notify>> notifyOn, Optional<String> orcpt) {
        public Forward {
            targets = List.copyOf(targets);
        }
    }

    /** The recipients that forward, as {@link Forward}s, in order. */
    List<Forward> forwards() {
        List<Forward> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.forwarded() && !e.remote().isEmpty()) out.add(new Forward(e.written(), e.remote(), e.notifyOn(), e.orcpt()));
        }
        return out;
    }

    /** The only recipient as written, for the Received field's "for" clause; null when there are several. */
    String single() {
        return entries.size() == 1 ? entries.get(0).written() : null;
    }

    List<Entry> entries() {
        return entries;
    }

    /**
     * The address as the sender wrote it (RCPT TO) that reached {@code account}: the first of them
     * when several did (user+tag, an alias); the account's own address when none names it.
     * Sieve's envelope "to" (RFC 5228 §5.4), so that a subaddress's detail (RFC 5233) is seen.
     */
    String writtenFor(Account account) {
        for (Entry e : entries) {
            for (Account a : e.accounts()) {
                if (a.id() == account.id()) return e.written();
            }
        }
        return account.address();
    }

    /** Every local account, once. */
    List<Account> accounts() {
        Map<Long, Account> all = new LinkedHashMap<>();
        for (Entry e : entries) {
            for (Account a : e.accounts()) all.putIfAbsent(a.id(), a);
        }
        return new ArrayList<>(all.values());
    }

    /**
     * Every relayed address (one the sender named in another domain, not a forward), once, as a new
     * queue recipient carrying the NOTIFY and ORCPT of the first that named it.
     */
    List<QueuedMessage.NewRecipient> relayed() {
        Map<String, QueuedMessage.NewRecipient> all = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (e.forwarded()) continue;
            for (String r : e.remote()) all.putIfAbsent(r, QueuedMessage.NewRecipient.pending(r, e.notifyOn(), e.orcpt()));
        }
        return new ArrayList<>(all.values());
    }
}
